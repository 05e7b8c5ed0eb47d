package dev.hamonitoring.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human-readable form of an {@link HaReport}. */
public final class TextReport {

    private TextReport() {}

    public static String format(HaReport report) {
        StringBuilder out = new StringBuilder();
        out.append("HA report: overlay ")
                .append(report.overlay())
                .append(", release ")
                .append(report.release())
                .append(", namespace ")
                .append(report.namespace())
                .append('\n');
        out.append("Topology ").append(report.topology()).append("\n\n");

        out.append("Components\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"COMPONENT", "WORKLOAD", "REPLICAS", "MAY RUN ON", "DISRUPTION BUDGET"});
        for (HaReport.Component c : report.components()) {
            String where = c.eligibleNodes().isEmpty()
                    ? "NO ELIGIBLE NODE"
                    : c.eligibleNodes().size() + (c.eligibleNodes().size() == 1 ? " node" : " nodes") + " in "
                            + String.join(", ", c.eligibleZones());
            if (c.pending() > 0) {
                where += " (" + c.pending() + " Pending)";
            }
            rows.add(new String[] {
                c.component(),
                c.workload(),
                c.replicas() + (c.surge() > 0 ? " (+" + c.surge() + " surge)" : ""),
                where,
                c.disruptionBudget()
            });
        }
        table(out, rows);
        for (HaReport.Component c : report.components()) {
            if (!c.placement().isEmpty()) {
                out.append("  ")
                        .append(c.component())
                        .append(": ")
                        .append(c.placement())
                        .append('\n');
            }
        }

        out.append(
                "\nFailure domains (worst case the hard scheduling rules allow; every soft rule assumed against us)\n");
        rows = new ArrayList<>();
        rows.add(new String[] {"COMPONENT", "NEEDS", "SURVIVES LOSS OF ANY NODE", "SURVIVES LOSS OF ANY ZONE"});
        for (HaReport.Component c : report.components()) {
            rows.add(new String[] {
                c.component(), c.needs() + " of " + c.replicas(), cell(c, c.nodeLoss()), cell(c, c.zoneLoss())
            });
        }
        table(out, rows);
        out.append("  Stack: survives loss of any node: ")
                .append(yes(report.survivesAnyNode()))
                .append("; of any zone: ")
                .append(yes(report.survivesAnyZone()))
                .append('\n');
        List<String> why = new ArrayList<>();
        for (HaReport.Component c : report.components()) {
            if (!c.nodeLoss().survives()) {
                why.add(c.component() + " (node): " + c.nodeLoss().reason());
            }
            if (!c.zoneLoss().survives()) {
                why.add(c.component() + " (zone): " + c.zoneLoss().reason());
            }
        }
        if (!why.isEmpty()) {
            out.append("  Why not:\n");
            why.forEach(w -> out.append("    - ").append(w).append('\n'));
        }
        List<String> needs = new ArrayList<>();
        for (HaReport.Component c : report.components()) {
            if (c.needs() != 1 || c.replicas() == 0) {
                needs.add(c.component() + " needs " + c.needs() + ": " + c.needsWhy());
            }
        }
        if (!needs.isEmpty()) {
            out.append("  Needs other than one running replica:\n");
            needs.forEach(n -> out.append("    - ").append(n).append('\n'));
        }

        out.append("\nDeclared external peers (allowed by these NetworkPolicy rules; listed, not judged)\n");
        if (report.externalPeers().isEmpty()) {
            out.append("  none\n");
        } else {
            rows = new ArrayList<>();
            rows.add(new String[] {"COMPONENT", "DIRECTION", "PEER", "PORTS", "NEEDED FOR", "RULE"});
            for (HaReport.ExternalPeer p : report.externalPeers()) {
                rows.add(new String[] {p.component(), p.direction(), p.peer(), p.ports(), p.need(), p.rule()});
            }
            table(out, rows);
        }

        if (!report.notAdmitted().isEmpty()) {
            out.append(
                    "  Not admitted from outside (set the chart's networkPolicy.ingressController or grafanaFrom / lokiPushFrom if they should be):\n");
            report.notAdmitted().forEach(n -> out.append("    - ").append(n).append('\n'));
        }
        if (!report.unresolvedAddresses().isEmpty()) {
            out.append("\nAddresses in the configuration that lead to nothing in the render\n");
            report.unresolvedAddresses().forEach(a -> out.append("  ").append(a).append('\n'));
        }

        out.append('\n');
        if (report.findings().isEmpty()) {
            out.append("Findings: none (")
                    .append(report.checks().size())
                    .append(" checks: ")
                    .append(String.join(", ", report.checks()))
                    .append(")\n");
        } else {
            out.append("Findings: ")
                    .append(report.findings().size())
                    .append(" (")
                    .append(report.checks().size())
                    .append(" checks)\n");
            for (Finding f : report.findings()) {
                out.append("  [")
                        .append(f.severity())
                        .append("] ")
                        .append(f.check())
                        .append("  ")
                        .append(f.object())
                        .append('\n');
                out.append("      ").append(f.message()).append('\n');
                if (f.fix() != null && !f.fix().isEmpty()) {
                    out.append("      change: ").append(f.fix()).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static String cell(HaReport.Component c, HaReport.Survival s) {
        String left = s.remaining() + " of " + c.replicas() + " left";
        return (s.survives() ? "yes" : "NO") + " (worst: " + s.domain() + ", " + left + ")";
    }

    private static String yes(boolean value) {
        return value ? "yes" : "NO";
    }

    private static void table(StringBuilder out, List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
