package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules the chart ships (prometheus subchart, templates/_rules.tpl): what every alert carries,
 * how values switch and tune them, and that every alert has promtool cases (run by PromtoolRulesIT).
 */
@DisplayName("Prometheus rules")
class PrometheusRulesTest {

    static final String RUNBOOK_URL = "https://charts.example.com/ha-monitoring/docs/runbooks.md";
    static final Path RUNBOOKS = ProjectPaths.umbrellaChart().resolve("docs/runbooks.md");
    static final Set<String> SEVERITIES = Set.of("critical", "warning", "none");
    /** A metric selector: a name followed by its label matchers. */
    static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");

    private final String prod = ChartRules.rulesFile(Releases.overlay("prod"));

    @Nested
    @DisplayName("promtool coverage")
    class Coverage {

        @Test
        @DisplayName(
                "every rendered alert has a firing and a not-firing case, every recording rule an expression test, and no test names a missing alert")
        void everyAlertTested() {
            ChartRules.Coverage coverage = ChartRules.coverage(ChartRules.testFiles());
            assertThat(coverage.gaps(prod)).isEmpty();
            assertThat(ChartRules.alerts(prod)).hasSizeGreaterThanOrEqualTo(30);
        }

        @Test
        @DisplayName(
                "negative twin: an alert without cases, and a test of an alert that does not exist, are reported by name")
        void gapsReported(@TempDir Path dir) throws IOException {
            Path test = dir.resolve("t.test.yaml");
            Files.writeString(test, """
                    tests:
                      - alert_rule_test:
                          - {alertname: HaTestOnlyFiring, exp_alerts: [{exp_labels: {severity: warning}}]}
                          - {alertname: HaTestGone, exp_alerts: []}
                    """);
            String rules = """
                    groups:
                      - name: g
                        rules:
                          - {alert: HaTestOnlyFiring, expr: vector(1)}
                          - {alert: HaTestUntested, expr: vector(1)}
                          - {record: "ha_test:untested", expr: vector(1)}
                    """;
            assertThat(ChartRules.coverage(List.of(test)).gaps(rules))
                    .containsExactlyInAnyOrder(
                            "HaTestOnlyFiring: no promtool case in which it does not fire",
                            "HaTestUntested: no promtool case in which it fires",
                            "HaTestUntested: no promtool case in which it does not fire",
                            "HaTestGone: tested, but no rendered alert has this name",
                            "ha_test:untested: no promql_expr_test reads this recording rule");
        }
    }

    @Nested
    @DisplayName("every alert")
    class EveryAlert {

        @Test
        @DisplayName("has a severity of critical, warning or none and a summary")
        void labelsAndSummary() {
            for (JsonNode rule : alertRules(prod)) {
                String name = rule.path("alert").asText();
                assertThat(rule.path("labels").path("severity").asText())
                        .as(name)
                        .isIn(SEVERITIES);
                assertThat(rule.path("annotations").path("summary").asText())
                        .as(name)
                        .isNotBlank();
            }
        }

        @Test
        @DisplayName(
                "fires, in its promtool cases, with a component label to route on (Watchdog excepted: it is about the whole pipeline)")
        void componentLabel() throws IOException {
            int firing = 0;
            for (Path file : ChartRules.testFiles()) {
                for (JsonNode test : ChartRules.parse(Files.readString(file)).path("tests")) {
                    for (JsonNode c : test.path("alert_rule_test")) {
                        for (JsonNode alert : c.path("exp_alerts")) {
                            firing++;
                            if (!c.path("alertname").asText().equals("Watchdog")) {
                                assertThat(alert.path("exp_labels")
                                                .path("component")
                                                .asText())
                                        .as(file.getFileName() + " "
                                                + c.path("alertname").asText())
                                        .isNotBlank();
                            }
                        }
                    }
                }
            }
            assertThat(firing).isGreaterThan(30);
        }

        @Test
        @DisplayName(
                "links its own section of docs/runbooks.md, and the runbook has no section of an alert that does not exist")
        void runbookSections() throws IOException {
            Set<String> anchors = anchors(Files.readString(RUNBOOKS));
            Set<String> expected = new LinkedHashSet<>();
            for (JsonNode rule : alertRules(prod)) {
                String name = rule.path("alert").asText();
                String anchor = name.toLowerCase(Locale.ROOT);
                assertThat(rule.path("annotations").path("runbook_url").asText())
                        .as(name)
                        .isEqualTo(RUNBOOK_URL + "#" + anchor);
                expected.add(anchor);
            }
            assertThat(anchors)
                    .as("alert sections (## headings) of " + RUNBOOKS)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }

        @Test
        @DisplayName("negative twin: the runbook anchor check sees a missing and an extra section")
        void runbookAnchorsNotVacuous() {
            Set<String> anchors = anchors("# Runbooks\n\n## GrafanaDown\n\ntext\n\n## Overview (not an alert)\n");
            assertThat(anchors).containsExactly("grafanadown");
            assertThat(anchors).doesNotContain("grafanarequesterrors");
        }

        @Test
        @DisplayName("selects only series of the chart's own scrape jobs (never another release's or job's)")
        void ownJobOnly() {
            List<String> selectors = selectors(prod);
            assertThat(selectors).hasSizeGreaterThan(40);
            assertThat(selectors).allMatch(PrometheusRulesTest::ownJob);
        }

        @Test
        @DisplayName("negative twin: a selector without the job matcher is found")
        void selectorCheckNotVacuous() {
            assertThat(
                            selectors(
                                    "groups: [{name: g, rules: [{alert: A, expr: 'up{job=\"ha-monitoring\"} == 0 or up{pod=\"x\"} == 0'}]}]"))
                    .containsExactly("up{job=\"ha-monitoring\"}", "up{pod=\"x\"}")
                    .filteredOn(PrometheusRulesTest::ownJob)
                    .hasSize(1);
            assertThat(ownJob("up{job=\"kubernetes-pods\"}"))
                    .as("a job of the chart that no shipped rule reads")
                    .isTrue();
            assertThat(ownJob("up{job=\"node-exporter\"}"))
                    .as("the chart's node-exporter job")
                    .isTrue();
            assertThat(ownJob("up{job=\"node\"}"))
                    .as("another installation's node-exporter job")
                    .isFalse();
        }
    }

    @Nested
    @DisplayName("values")
    class Values {

        @Test
        @DisplayName(
                "the prod overlay renders one group per component, the chart's in a fixed order; dev and staging render the same rules")
        void groups() {
            assertThat(ChartRules.groups(prod).keySet())
                    .containsExactly(
                            "ha-monitoring",
                            "ha-monitoring-prometheus",
                            "ha-monitoring-thanos",
                            "ha-monitoring-alertmanager",
                            "ha-monitoring-redis",
                            "ha-monitoring-grafana",
                            "ha-monitoring-loki",
                            "ha-monitoring-kubernetes",
                            "ha-monitoring-nodes",
                            "ha-monitoring-workloads");
            assertThat(ChartRules.rulesFile(Releases.overlay("dev"))).isEqualTo(prod);
            assertThat(ChartRules.rulesFile(Releases.overlay("staging"))).isEqualTo(prod);
        }

        @Test
        @DisplayName("switch a group off, change thresholds and the runbook location, and append the user's own group")
        void tuned() {
            String tuned = ChartRules.rulesFile(Releases.overlay("prod", "rules-tuned"));
            Map<String, List<String>> groups = ChartRules.groups(tuned);
            assertThat(groups).doesNotContainKey("ha-monitoring-redis");
            assertThat(new ArrayList<>(groups.keySet())).endsWith("my-team");
            assertThat(groups.get("my-team")).containsExactly("MyTeamQueueBacklog");
            assertThat(expr(tuned, "ThanosQueryHttpErrors")).contains("> 0.2").doesNotContain("> 0.05");
            assertThat(expr(prod, "ThanosQueryHttpErrors")).contains("> 0.05");
            assertThat(expr(tuned, "ThanosSidecarNotUploading"))
                    .contains("> 6 * 3600")
                    .doesNotContain("> 4 * 3600");
            assertThat(alertRules(tuned))
                    .filteredOn(r -> !r.path("alert").asText().startsWith("MyTeam"))
                    .allMatch(r -> r.path("annotations")
                            .path("runbook_url")
                            .asText()
                            .startsWith("https://wiki.example.com/monitoring/runbooks#"));
            assertThat(alertRules(tuned))
                    .filteredOn(r -> r.path("alert").asText().equals("MyTeamQueueBacklog"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.path("annotations").has("runbook_url"))
                            .as("user rules are kept as given")
                            .isFalse());
        }

        @Test
        @DisplayName(
                "the cluster group is rendered only while Prometheus scrapes the cluster (its jobs exist only then)")
        void clusterGroupNeedsClusterScrape() {
            assertThat(ChartRules.groups(ChartRules.rulesFile(Releases.overlay("prod", "no-cluster-scrape"))))
                    .doesNotContainKey("ha-monitoring-kubernetes")
                    .containsKey("ha-monitoring-thanos");
            assertThat(ChartRules.groups(prod)).containsKey("ha-monitoring-kubernetes");
        }

        @Test
        @DisplayName("with every shipped group off, the rules file has no group and Prometheus still gets a valid file")
        void allOff() {
            String off = ChartRules.rulesFile(Releases.overlay("prod", "rules-all-off"));
            assertThat(ChartRules.parse(off).path("groups").isArray()).isTrue();
            assertThat(ChartRules.groups(off)).isEmpty();
        }
    }

    /** The chart's own job, its exporters' jobs, or one of the cluster jobs it renders with scrapeCluster. */
    static boolean ownJob(String selector) {
        return selector.matches(
                ".*job=\"(ha-monitoring|kube-state-metrics|node-exporter|kubernetes-(apiservers|nodes|cadvisor|service-endpoints|pods))\".*");
    }

    static List<JsonNode> alertRules(String rulesYaml) {
        return ChartRules.rules(rulesYaml).stream().filter(r -> r.has("alert")).toList();
    }

    static String expr(String rulesYaml, String alert) {
        return alertRules(rulesYaml).stream()
                .filter(r -> r.path("alert").asText().equals(alert))
                .findFirst()
                .orElseThrow()
                .path("expr")
                .asText();
    }

    /** The metric selectors of every rule's expression. */
    static List<String> selectors(String rulesYaml) {
        List<String> found = new ArrayList<>();
        for (JsonNode rule : ChartRules.rules(rulesYaml)) {
            Matcher m = SELECTOR.matcher(rule.path("expr").asText());
            while (m.find()) {
                found.add(m.group());
            }
        }
        return found;
    }

    /** Anchors of the "## Name" sections whose heading is one word (an alert name), as GitHub derives them. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        for (String line : markdown.split("\n")) {
            if (line.matches("## [A-Za-z0-9]+\\s*")) {
                anchors.add(line.substring(3).strip().toLowerCase(Locale.ROOT));
            }
        }
        return anchors;
    }
}
