package dev.hamonitoring.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The shipped overlays")
class ShippedOverlaysTest {

    private static HaReport.Component component(HaReport report, String name) {
        return report.components().stream()
                .filter(c -> c.component().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no component " + name));
    }

    @Nested
    @DisplayName("prod with Loki on 3 zones of 2 nodes")
    class ProdWithLoki {

        private final HaReport report = AnalysisFixtures.report("prod", "3x2", "prod-with-loki.yaml");

        @Test
        @DisplayName(
                "has no finding: the Loki ring, its compactor API and its ruler's alerts are exactly what the policies allow")
        void noFinding() {
            assertThat(report.findings()).as(AnalysisFixtures.describe(report)).isEmpty();
        }

        @Test
        @DisplayName("keeps a write quorum of two Loki writers after the worst zone loss")
        void writeQuorum() {
            assertThat(component(report, "loki-write").needs()).isEqualTo(2);
            assertThat(component(report, "loki-write").zoneLoss().remaining()).isEqualTo(2);
            assertThat(report.survivesAnyZone()).isTrue();
        }
    }

    @Nested
    @DisplayName("prod on 3 zones of 2 nodes")
    class ProdOnThreeZones {

        private final HaReport report = AnalysisFixtures.report("prod", "3x2");

        @Test
        @DisplayName("has no finding")
        void noFinding() {
            assertThat(report.findings()).as(AnalysisFixtures.describe(report)).isEmpty();
        }

        @Test
        @DisplayName("survives the loss of any node and of any zone")
        void survivesNodeAndZone() {
            assertThat(report.survivesAnyNode()).isTrue();
            assertThat(report.survivesAnyZone()).isTrue();
        }

        @Test
        @DisplayName("runs every component on the dedicated pool in all three zones")
        void eligibleEverywhereOnThePool() {
            assertThat(report.topology()).contains("workload-pool=monitoring", "dedicated=monitoring:NoSchedule");
            assertThat(report.components())
                    .extracting(HaReport.Component::component)
                    .contains(
                            "prometheus",
                            "thanos-query",
                            "thanos-query-frontend",
                            "thanos-store",
                            "thanos-compactor",
                            "alertmanager",
                            "grafana",
                            "postgresql",
                            "redis",
                            "redis-haproxy");
            assertThat(report.components()).allSatisfy(c -> {
                assertThat(c.eligibleZones()).containsExactly("zone-a", "zone-b", "zone-c");
                assertThat(c.pending()).isZero();
            });
        }

        @Test
        @DisplayName("keeps two Alertmanagers and a sentinel majority after the worst zone loss")
        void quorumComponentsKeepTheirMajority() {
            assertThat(component(report, "alertmanager").zoneLoss().remaining()).isEqualTo(2);
            assertThat(component(report, "alertmanager").needs()).isEqualTo(2);
            assertThat(component(report, "redis").needs()).isEqualTo(2);
            assertThat(component(report, "redis").needsWhy()).contains("quorum 2", "majority (2 of 3)");
            assertThat(component(report, "thanos-compactor").needs()).isZero();
            assertThat(component(report, "thanos-compactor").needsWhy()).contains("not required for serving");
        }

        @Test
        @DisplayName("reports every component's disruption budget, the operator's for PostgreSQL")
        void disruptionBudgets() {
            assertThat(component(report, "alertmanager").disruptionBudget())
                    .isEqualTo("minAvailable 2 (1 disruption allowed)");
            assertThat(component(report, "postgresql").disruptionBudget())
                    .startsWith("operator: primary minAvailable 1");
            assertThat(component(report, "thanos-compactor").disruptionBudget()).isEqualTo("none");
        }

        @Test
        @DisplayName("lists the declared external peers the policies let through")
        void externalPeers() {
            assertThat(report.externalPeers()).anySatisfy(p -> {
                assertThat(p.component()).isEqualTo("postgresql");
                assertThat(p.direction()).isEqualTo("Ingress");
                assertThat(p.need()).isEqualTo("CloudNativePG operator");
            });
            assertThat(report.externalPeers()).anySatisfy(p -> {
                assertThat(p.component()).isEqualTo("prometheus");
                assertThat(p.peer()).isEqualTo("any peer");
                assertThat(p.need()).startsWith("cluster-wide scraping");
            });
        }
    }

    @Nested
    @DisplayName("prod's default-deny policies")
    class ProdIngressFromOutside {

        @Test
        @DisplayName(
                "admit the ingress controller's namespace to the Grafana UI in prod, and nobody from outside in dev (reported, not a finding)")
        void grafanaUsers() {
            HaReport prod = AnalysisFixtures.report("prod", "3x2");
            assertThat(prod.notAdmitted()).isEmpty();
            assertThat(prod.externalPeers()).anySatisfy(p -> {
                assertThat(p.component()).isEqualTo("grafana");
                assertThat(p.direction()).isEqualTo("Ingress");
                assertThat(p.peer()).contains("kubernetes.io/metadata.name=ingress-nginx");
            });
            HaReport dev = AnalysisFixtures.report("dev", "1x1");
            assertThat(dev.notAdmitted())
                    .containsExactly(
                            "grafana: users / ingress controller (the Grafana UI on port 3000) are admitted by no NetworkPolicy rule");
            assertThat(dev.findings()).isEmpty();
        }
    }

    @Nested
    @DisplayName("prod on one zone of 3 nodes")
    class ProdOnOneZone {

        private final HaReport report = AnalysisFixtures.report("prod", "1x3");

        @Test
        @DisplayName("has no finding: a single-zone cluster is reported, not failed")
        void noFinding() {
            assertThat(report.findings()).as(AnalysisFixtures.describe(report)).isEmpty();
        }

        @Test
        @DisplayName("survives the loss of any node")
        void survivesNode() {
            assertThat(report.survivesAnyNode()).isTrue();
        }

        @Test
        @DisplayName("does not survive a zone loss, because every eligible node is in that zone")
        void doesNotSurviveZone() {
            assertThat(report.survivesAnyZone()).isFalse();
            HaReport.Survival grafana = component(report, "grafana").zoneLoss();
            assertThat(grafana.survives()).isFalse();
            assertThat(grafana.reason())
                    .isEqualTo("losing zone zone-a leaves 0 of 3 running, needs 1 (any one replica serves): "
                            + "every eligible node is in zone zone-a");
            assertThat(component(report, "thanos-compactor").zoneLoss().survives())
                    .isTrue();
        }
    }

    @Nested
    @DisplayName("staging on 3 zones of 2 nodes")
    class StagingOnThreeZones {

        private final HaReport report = AnalysisFixtures.report("staging", "3x2");

        @Test
        @DisplayName("has no finding")
        void noFinding() {
            assertThat(report.findings()).as(AnalysisFixtures.describe(report)).isEmpty();
        }

        @Test
        @DisplayName("survives a node loss but, with zone spreading only preferred, not the worst zone loss")
        void preferredZoneSpreadIsNotEnough() {
            assertThat(report.survivesAnyNode()).isTrue();
            assertThat(report.survivesAnyZone()).isFalse();
            assertThat(component(report, "alertmanager").zoneLoss().reason())
                    .contains("zone spreading is not enforced", "2 of 3 replicas in zone zone-a");
        }
    }

    @Nested
    @DisplayName("dev on a single node")
    class DevOnOneNode {

        private final HaReport report = AnalysisFixtures.report("dev", "1x1");

        @Test
        @DisplayName("schedules every pod on the one node and has no finding")
        void schedulesWithoutFinding() {
            assertThat(report.findings()).as(AnalysisFixtures.describe(report)).isEmpty();
            assertThat(report.components()).allSatisfy(c -> {
                assertThat(c.eligibleNodes()).containsExactly("zone-a-1");
                assertThat(c.pending()).isZero();
            });
        }

        @Test
        @DisplayName("does not survive the loss of its node, and says so")
        void doesNotSurviveNodeLoss() {
            assertThat(report.survivesAnyNode()).isFalse();
            assertThat(component(report, "prometheus").nodeLoss().reason())
                    .isEqualTo(
                            "losing node zone-a-1 leaves 0 of 1 running, needs 1 (any one replica serves): a single replica");
        }
    }
}
