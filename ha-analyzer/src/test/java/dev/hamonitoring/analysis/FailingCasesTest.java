package dev.hamonitoring.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamonitoring.analysis.checks.AlertingTargetsCheck;
import dev.hamonitoring.analysis.checks.AlertmanagerPeersCheck;
import dev.hamonitoring.analysis.checks.CompactorSingletonCheck;
import dev.hamonitoring.analysis.checks.DisruptionBudgetsCheck;
import dev.hamonitoring.analysis.checks.FailureDomainsCheck;
import dev.hamonitoring.analysis.checks.GrafanaSharedStateCheck;
import dev.hamonitoring.analysis.checks.NetworkPoliciesCheck;
import dev.hamonitoring.analysis.checks.QueryEndpointsCheck;
import dev.hamonitoring.analysis.checks.ReferencesCheck;
import dev.hamonitoring.analysis.checks.ResourceQuotaCheck;
import dev.hamonitoring.analysis.checks.SidecarBlockDurationsCheck;
import dev.hamonitoring.analysis.checks.SpreadSelectorsCheck;
import dev.hamonitoring.analysis.checks.ThanosDedupCheck;
import dev.hamonitoring.analysis.topology.NodePool;
import dev.hamonitoring.analysis.topology.Topology;
import dev.hamonitoring.render.ChartRenderException;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One broken case (at least) per check, on top of prod on 3x2. Values files under
 * src/test/resources/analysis break what the chart's values allow; where the chart's own guards
 * refuse the values, the rendered objects are mutated in Java instead (the test says so).
 */
@DisplayName("Each check finds its broken case")
class FailingCasesTest {

    /** Findings of a values file on top of prod, asserted to come from that one check only. */
    private static HaReport brokenByValues(String check, String valuesFile) {
        HaReport report = AnalysisFixtures.report("prod", "3x2", valuesFile);
        assertThat(AnalysisFixtures.checkIds(report))
                .as(AnalysisFixtures.describe(report))
                .containsExactly(check);
        return report;
    }

    /** Findings of mutated prod objects, asserted to come from that one check only. */
    private static HaReport brokenByMutation(String check, List<HasMetadata> objects) {
        HaReport report = AnalysisFixtures.report(objects, "prod", "3x2");
        assertThat(AnalysisFixtures.checkIds(report))
                .as(AnalysisFixtures.describe(report))
                .containsExactly(check);
        return report;
    }

    private static Condition<Finding> message(String... parts) {
        return new Condition<>(
                f -> List.of(parts).stream().allMatch(f.message()::contains),
                "a message containing %s",
                List.of(parts));
    }

    private static Container container(List<HasMetadata> objects, String statefulSet, String name) {
        return AnalysisFixtures.find(objects, StatefulSet.class, statefulSet)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .stream()
                .filter(c -> name.equals(c.getName()))
                .findFirst()
                .orElseThrow();
    }

    @Nested
    @DisplayName("thanos-dedup (values)")
    class ThanosDedup {

        @Test
        @DisplayName("Query deduplicating on a label every replica shares")
        void extraQueryReplicaLabel() {
            HaReport report = brokenByValues(ThanosDedupCheck.ID, "thanos-dedup--query-replica-label-cluster.yaml");
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.object()).isEqualTo("Deployment/monitoring-thanos-query");
                assertThat(f.message()).contains("--query.replica-label=cluster", "prometheus_replica");
                assertThat(f.fix()).contains("--query.replica-label=cluster", "thanos.query.extraArgs");
            });
        }

        @Test
        @DisplayName("a second external label that differs per pod")
        void secondPerPodLabel() {
            HaReport report = brokenByValues(ThanosDedupCheck.ID, "thanos-dedup--second-per-pod-label.yaml");
            assertThat(report.findings())
                    .singleElement()
                    .is(
                            message(
                                    "External label pod=${POD_NAME} also differs per pod (besides the replica label prometheus_replica)"));
        }

        @Test
        @DisplayName("a Prometheus 2 image, which would send the replica label unexpanded")
        void prometheusTwoWithoutExpansion() {
            HaReport report = brokenByValues(ThanosDedupCheck.ID, "thanos-dedup--prometheus-2-without-expansion.yaml");
            assertThat(report.findings())
                    .singleElement()
                    .is(
                            message(
                                    "External label prometheus_replica=${POD_NAME} is only expanded by Prometheus 2 with --enable-feature=expand-external-labels"));
        }

        @Test
        @DisplayName("but not a replica label renamed everywhere at once")
        void renamedReplicaLabelIsFine() {
            HaReport report = AnalysisFixtures.report("prod", "3x2", "thanos-dedup--renamed-replica-label.yaml");
            assertThat(report.findings()).as(AnalysisFixtures.describe(report)).isEmpty();
        }

        @Test
        @DisplayName("alert relabelling that keeps the replica label (mutation: the chart always drops it)")
        void alertsKeepReplicaLabel() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            ConfigMap config = AnalysisFixtures.find(objects, ConfigMap.class, "monitoring-prometheus");
            config.getData()
                    .put(
                            "prometheus.yml",
                            config.getData().get("prometheus.yml").replace("action: labeldrop", "action: labelkeep"));
            HaReport report = brokenByMutation(ThanosDedupCheck.ID, objects);
            assertThat(report.findings())
                    .anySatisfy(f -> assertThat(f)
                            .is(message(
                                    "alerting.alert_relabel_configs keeps the replica label prometheus_replica",
                                    "notifies once per replica")));
        }
    }

    @Nested
    @DisplayName("compactor-singleton (mutation: the chart refuses thanos.compactor.replicas other than 1)")
    class CompactorSingleton {

        @Test
        @DisplayName("the chart's guard refuses two compactors, so values cannot break it")
        void chartRefusesTwoReplicas() {
            assertThatThrownBy(() -> HelmRender.chart(ProjectPaths.umbrellaChart())
                            .valuesFile(ProjectPaths.environment("prod"))
                            .set("thanos.compactor.replicas", "2")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageFindingMatch("compactor[./]replicas");
        }

        @Test
        @DisplayName("a compactor as a rolling Deployment: two run during every rollout")
        void rollingDeployment() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            StatefulSet sts = AnalysisFixtures.find(objects, StatefulSet.class, "monitoring-thanos-compactor");
            Deployment deployment = new DeploymentBuilder()
                    .withMetadata(sts.getMetadata())
                    .withNewSpec()
                    .withReplicas(1)
                    .withSelector(sts.getSpec().getSelector())
                    .withTemplate(sts.getSpec().getTemplate())
                    .withNewStrategy()
                    .withType("RollingUpdate")
                    .endStrategy()
                    .endSpec()
                    .build();
            objects.set(objects.indexOf(sts), deployment);
            HaReport report = brokenByMutation(CompactorSingletonCheck.ID, objects);
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.object()).isEqualTo("Deployment/monitoring-thanos-compactor");
                assertThat(f.message()).contains("Deployment", "RollingUpdate");
            });
        }

        @Test
        @DisplayName("two compactor replicas")
        void twoReplicas() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            AnalysisFixtures.find(objects, StatefulSet.class, "monitoring-thanos-compactor")
                    .getSpec()
                    .setReplicas(2);
            HaReport report = AnalysisFixtures.report(objects, "prod", "3x2");
            assertThat(report.findings())
                    .filteredOn(f -> f.check().equals(CompactorSingletonCheck.ID))
                    .singleElement()
                    .is(
                            message(
                                    "replicas 2: two compactors on one bucket compact and delete the same blocks and corrupt it"));
        }
    }

    @Nested
    @DisplayName("alertmanager-peers (mutation: peers and Service come from fixed templates)")
    class AlertmanagerPeers {

        @Test
        @DisplayName("a peer list missing the last ordinal")
        void missingOrdinal() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            List<String> args = container(objects, "monitoring-alertmanager", "alertmanager")
                    .getArgs();
            args.removeIf(a -> a.startsWith("--cluster.peer=monitoring-alertmanager-2."));
            HaReport report = brokenByMutation(AlertmanagerPeersCheck.ID, objects);
            assertThat(report.findings())
                    .singleElement()
                    .is(message("No --cluster.peer for ordinal 2 (monitoring-alertmanager-2)"));
        }

        @Test
        @DisplayName("a headless Service without the UDP gossip port and without not-ready addresses")
        void serviceWithoutUdpAndNotReady() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            Service headless = AnalysisFixtures.find(objects, Service.class, "monitoring-alertmanager-headless");
            headless.getSpec().getPorts().removeIf(p -> "UDP".equals(p.getProtocol()));
            headless.getSpec().setPublishNotReadyAddresses(false);
            HaReport report = brokenByMutation(AlertmanagerPeersCheck.ID, objects);
            assertThat(report.findings())
                    .hasSize(2)
                    .anySatisfy(f -> assertThat(f)
                            .is(message("No 9094/UDP port: gossip uses both TCP and UDP on the cluster port.")))
                    .anySatisfy(f -> assertThat(f).is(message("publishNotReadyAddresses is not true")));
        }
    }

    @Nested
    @DisplayName("alerts-every-alertmanager (mutation: prometheus.yml's alerting block is fixed)")
    class AlertsEveryAlertmanager {

        @Test
        @DisplayName("alerts sent through the load-balanced ClusterIP Service")
        void clusterIpService() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            ConfigMap config = AnalysisFixtures.find(objects, ConfigMap.class, "monitoring-prometheus");
            config.getData()
                    .put(
                            "prometheus.yml",
                            config.getData()
                                    .get("prometheus.yml")
                                    .replace(
                                            "monitoring-alertmanager-headless.monitoring",
                                            "monitoring-alertmanager.monitoring"));
            HaReport report = brokenByMutation(AlertingTargetsCheck.ID, objects);
            assertThat(report.findings()).anySatisfy(f -> {
                assertThat(f.object()).isEqualTo("Service/monitoring-alertmanager");
                assertThat(f)
                        .is(message(
                                "a ClusterIP (load-balanced) Service",
                                "each alert reaches a single Alertmanager replica"));
            });
            assertThat(report.findings())
                    .anySatisfy(
                            f -> assertThat(f)
                                    .is(
                                            message(
                                                    "Alertmanager pod(s) monitoring-alertmanager-0, monitoring-alertmanager-1, monitoring-alertmanager-2 receive no alerts")));
        }
    }

    @Nested
    @DisplayName(
            "grafana-shared-state (mutation: the chart refuses grafana.ini overrides of the database and ha_* settings)")
    class GrafanaSharedState {

        private List<HasMetadata> withGrafanaIni(String from, String to) {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            ConfigMap config = AnalysisFixtures.find(objects, ConfigMap.class, "monitoring-grafana");
            String ini = config.getData().get("grafana.ini");
            assertThat(ini).contains(from);
            config.getData().put("grafana.ini", ini.replace(from, to));
            return objects;
        }

        @Test
        @DisplayName("the chart's guard refuses ha_peers and database overrides, so values cannot break it")
        void chartRefusesOverrides() {
            assertThatThrownBy(() -> AnalysisFixtures.render("prod", "grafana-shared-state--ha-peers-clusterip.yaml"))
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("grafana.ini.unified_alerting.ha_peers");
            assertThatThrownBy(() -> AnalysisFixtures.render("prod", "grafana-shared-state--sqlite-override.yaml"))
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("grafana.ini.database");
        }

        @Test
        @DisplayName("ha_peers on the ClusterIP Service")
        void haPeersOnClusterIp() {
            HaReport report = brokenByMutation(
                    GrafanaSharedStateCheck.ID,
                    withGrafanaIni("ha_peers = monitoring-grafana-alerting.", "ha_peers = monitoring-grafana."));
            assertThat(report.findings())
                    .anySatisfy(f -> assertThat(f)
                            .is(message(
                                    "[unified_alerting] ha_peers monitoring-grafana.monitoring.svc.cluster.local:9094 "
                                            + "is a ClusterIP Service")))
                    .anySatisfy(f -> assertThat(f).is(message("does not expose 9094/UDP")));
        }

        @Test
        @DisplayName("the alerting Service made load-balanced")
        void alertingServiceNotHeadless() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            AnalysisFixtures.find(objects, Service.class, "monitoring-grafana-alerting")
                    .getSpec()
                    .setClusterIP(null);
            HaReport report = brokenByMutation(GrafanaSharedStateCheck.ID, objects);
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.object()).isEqualTo("Service/monitoring-grafana-alerting");
                assertThat(f.message())
                        .startsWith(
                                "[unified_alerting] ha_peers monitoring-grafana-alerting.monitoring.svc.cluster.local:9094 "
                                        + "is a ClusterIP Service: its one virtual IP hides the replicas from each other");
            });
        }

        @Test
        @DisplayName(
                "three replicas on SQLite (the derived graph then drops the database edge, which the policies still allow)")
        void sqlite() {
            HaReport report =
                    AnalysisFixtures.report(withGrafanaIni("type = postgres", "type = sqlite3"), "prod", "3x2");
            assertThat(report.findings())
                    .filteredOn(f -> f.check().equals(GrafanaSharedStateCheck.ID))
                    .singleElement()
                    .is(message("3 replicas with [database] type = sqlite3"));
            assertThat(report.findings())
                    .filteredOn(f -> f.check().equals(NetworkPoliciesCheck.ID))
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(f.message()).contains("grafana → postgresql 5432/TCP"));
        }
    }

    @Nested
    @DisplayName("sidecar-block-durations (mutation: the Prometheus flags are fixed)")
    class SidecarBlockDurations {

        @Test
        @DisplayName("a 6h maximum block duration next to the sidecar")
        void sixHourBlocks() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            List<String> args =
                    container(objects, "monitoring-prometheus", "prometheus").getArgs();
            args.replaceAll(
                    a -> a.equals("--storage.tsdb.max-block-duration=2h") ? "--storage.tsdb.max-block-duration=6h" : a);
            HaReport report = brokenByMutation(SidecarBlockDurationsCheck.ID, objects);
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.message())
                        .startsWith(
                                "Container prometheus runs with --storage.tsdb.max-block-duration=6h next to a Thanos sidecar");
                assertThat(f.fix()).contains("--storage.tsdb.max-block-duration=2h");
            });
        }
    }

    @Nested
    @DisplayName("query-endpoints (values)")
    class QueryEndpoints {

        @Test
        @DisplayName("an endpoint naming a Service that is not rendered")
        void unknownService() {
            HaReport report = brokenByValues(QueryEndpointsCheck.ID, "query-endpoints--unknown-service.yaml");
            assertThat(report.findings())
                    .singleElement()
                    .is(
                            message(
                                    "monitoring-thanos-ruler-headless.monitoring.svc.cluster.local is not a rendered Service of the release"));
        }

        @Test
        @DisplayName("an endpoint on a headless Service without a grpc port")
        void serviceWithoutGrpc() {
            HaReport report = brokenByValues(QueryEndpointsCheck.ID, "query-endpoints--service-without-grpc.yaml");
            assertThat(report.findings())
                    .singleElement()
                    .is(
                            message(
                                    "Service monitoring-alertmanager-headless has no port named grpc, so the SRV lookup returns nothing."));
        }
    }

    @Nested
    @DisplayName("pod-disruption-budgets (values, and mutation where the chart's guard refuses)")
    class PodDisruptionBudgets {

        @Test
        @DisplayName("two Prometheus replicas without a budget")
        void missingBudget() {
            HaReport report =
                    brokenByValues(DisruptionBudgetsCheck.ID, "pod-disruption-budgets--prometheus-without-pdb.yaml");
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.object()).isEqualTo("StatefulSet/monitoring-prometheus");
                assertThat(f.message()).contains("2 replicas", "no PodDisruptionBudget");
                assertThat(f.fix()).contains("prometheus.podDisruptionBudget.enabled: true");
            });
        }

        @Test
        @DisplayName("minAvailable equal to replicas (mutation: the chart refuses the value)")
        void budgetAllowsNoDisruption() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            AnalysisFixtures.find(objects, PodDisruptionBudget.class, "monitoring-alertmanager")
                    .getSpec()
                    .setMinAvailable(new IntOrString(3));
            HaReport report = brokenByMutation(DisruptionBudgetsCheck.ID, objects);
            assertThat(report.findings())
                    .singleElement()
                    .is(
                            message(
                                    "minAvailable 3 with 3 replica(s) of StatefulSet/monitoring-alertmanager allows no voluntary disruption"));
        }

        @Test
        @DisplayName("a budget selecting every pod of the release (mutation)")
        void budgetOverSeveralWorkloads() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            AnalysisFixtures.find(objects, PodDisruptionBudget.class, "monitoring-grafana")
                    .getSpec()
                    .getSelector()
                    .getMatchLabels()
                    .remove("app.kubernetes.io/name");
            HaReport report = brokenByMutation(DisruptionBudgetsCheck.ID, objects);
            assertThat(report.findings())
                    .anySatisfy(f -> assertThat(f)
                            .is(message(
                                    "the budget counts them together, so a drain may take every pod of one of them")));
        }
    }

    @Nested
    @DisplayName("spread-selectors (values)")
    class SpreadSelectors {

        @Test
        @DisplayName("a spread constraint that does not pin the release")
        void spreadWithoutInstance() {
            HaReport report = brokenByValues(SpreadSelectorsCheck.ID, "spread-selectors--spread-without-instance.yaml");
            assertThat(report.findings())
                    .singleElement()
                    .is(message(
                            "topology spread constraint on kubernetes.io/hostname (ScheduleAnyway) selector {app.kubernetes.io/name=thanos-query} "
                                    + "does not pin app.kubernetes.io/instance=monitoring"));
        }

        @Test
        @DisplayName("a Prometheus anti-affinity term that selects the Alertmanagers")
        void antiAffinityOnAnotherComponent() {
            HaReport report =
                    brokenByValues(SpreadSelectorsCheck.ID, "spread-selectors--anti-affinity-on-alertmanager.yaml");
            assertThat(report.findings())
                    .anySatisfy(f -> assertThat(f)
                            .is(message(
                                    "preferred pod anti-affinity on topology.kubernetes.io/zone selector",
                                    "does not match the workload's own pods")))
                    .anySatisfy(f ->
                            assertThat(f).is(message("also matches the pods of StatefulSet/monitoring-alertmanager")));
        }
    }

    @Nested
    @DisplayName("references (values)")
    class References {

        @Test
        @DisplayName("a PriorityClass the release does not create")
        void unknownPriorityClass() {
            HaReport report = brokenByValues(ReferencesCheck.ID, "references--unknown-priority-class.yaml");
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.object()).isEqualTo("StatefulSet/monitoring-prometheus");
                assertThat(f.message()).contains("PriorityClass platform-critical");
                assertThat(f.fix()).contains("prometheus.priorityClassName");
            });
        }

        @Test
        @DisplayName("a StorageClass the release does not create")
        void unknownStorageClass() {
            HaReport report = brokenByValues(ReferencesCheck.ID, "references--unknown-storage-class.yaml");
            assertThat(report.findings())
                    .singleElement()
                    .is(message("References StorageClass premium-rwo"))
                    .satisfies(f -> assertThat(f.fix()).startsWith("thanos.store.persistence.storageClass"));
        }

        @Test
        @DisplayName("names the values key the workload's annotation gives, and the component when a manifest has none")
        void valuesKeyFromAnnotation() {
            List<HasMetadata> objects =
                    AnalysisFixtures.mutableObjects("prod", "references--unknown-storage-class.yaml");
            StatefulSet store = AnalysisFixtures.find(objects, StatefulSet.class, "monitoring-thanos-store");
            assertThat(store.getMetadata().getAnnotations()).containsEntry(ValuesKeys.ANNOTATION, "thanos.store");
            store.getMetadata().getAnnotations().remove(ValuesKeys.ANNOTATION);
            HaReport report = brokenByMutation(ReferencesCheck.ID, objects);
            assertThat(report.findings())
                    .singleElement()
                    .satisfies(f -> assertThat(f.fix()).startsWith("thanos-store.persistence.storageClass"));
        }

        @Test
        @DisplayName("unless it is declared external")
        void declaredExternal() {
            HaReport report = AnalysisFixtures.analysis("prod", "3x2", "references--unknown-storage-class.yaml")
                    .externals(AnalysisFixtures.overlay("prod")
                            .externals()
                            .plus(ExternalNames.of("test", List.of("StorageClass/premium-rwo"))))
                    .run();
            assertThat(report.findings()).as(AnalysisFixtures.describe(report)).isEmpty();
        }

        @Test
        @DisplayName("but not a Secret named as existingSecret in values, which the overlay declares external")
        void existingSecretIsDeclared() {
            HaReport report = AnalysisFixtures.report("prod", "3x2", "references--receiver-secret-declared.yaml");
            assertThat(report.findings()).as(AnalysisFixtures.describe(report)).isEmpty();
        }

        @Test
        @DisplayName("and an undeclared Secret when externals are not given")
        void undeclaredSecrets() {
            HaReport report = AnalysisFixtures.analysis("prod", "3x2")
                    .externals(ExternalNames.none())
                    .run();
            assertThat(report.findings()).extracting(Finding::check).containsOnly(ReferencesCheck.ID);
            assertThat(report.findings())
                    .anySatisfy(f -> assertThat(f).is(message("References Secret thanos-objstore")));
            assertThat(report.findings()).noneSatisfy(f -> assertThat(f).is(message("monitoring-postgresql-app")));
        }
    }

    @Nested
    @DisplayName("resource-quota (values the chart's own guard does not check)")
    class ResourceQuota {

        @Test
        @DisplayName("a fast-storage quota below Prometheus' and PostgreSQL's volumes")
        void storageClassQuota() {
            HaReport report = brokenByValues(ResourceQuotaCheck.ID, "resource-quota--fast-storage-class-quota.yaml");
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.message())
                        .startsWith(
                                "hard monitoring-fast-ssd.storageclass.storage.k8s.io/requests.storage=100Gi is below what "
                                        + "the release needs during a rollout: 350Gi (2×prometheus 100Gi + 3×postgresql 50Gi)");
                assertThat(f.fix())
                        .startsWith(
                                "resourceQuota.hard.monitoring-fast-ssd.storageclass.storage.k8s.io/requests.storage: 350Gi or more");
            });
        }

        @Test
        @DisplayName("a Services quota that forgets the operator's Services")
        void servicesQuota() {
            HaReport report = brokenByValues(ResourceQuotaCheck.ID, "resource-quota--services-quota.yaml");
            assertThat(report.findings())
                    .singleElement()
                    .is(message("hard services=10 is below", "Services (rendered and operator-created)"));
        }
    }

    @Nested
    @DisplayName("network-policies (values, and mutation for a missing rule)")
    class NetworkPolicies {

        @Test
        @DisplayName(
                "a DNS rule that selects the wrong pods (only Prometheus, whose egress is open for cluster scraping, still resolves)")
        void dnsDenied() {
            HaReport report = brokenByValues(NetworkPoliciesCheck.ID, "network-policies--dns-selector-wrong.yaml");
            assertThat(report.findings())
                    .filteredOn(f -> f.severity() == Severity.ERROR)
                    .hasSize(10)
                    .noneSatisfy(f -> assertThat(f.message()).startsWith("prometheus"))
                    .anySatisfy(f -> {
                        assertThat(f.object()).isEqualTo("NetworkPolicy/monitoring-thanos-query-net");
                        assertThat(f.message())
                                .contains("thanos-query", "k8s-app=kube-dns", "53/UDP", "monitoring-thanos-query-net");
                    });
        }

        @Test
        @DisplayName("the Grafana UI opened to every pod of the namespace")
        void tooWide() {
            HaReport report =
                    brokenByValues(NetworkPoliciesCheck.ID, "network-policies--grafana-open-to-namespace.yaml");
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.object()).isEqualTo("NetworkPolicy/monitoring-grafana-net");
                assertThat(f.message())
                        .containsPattern(
                                "^Ingress rule #\\d+ \\(for grafana\\) allows what no communication edge needs: ")
                        .contains("alertmanager → grafana 3000/TCP", "thanos-query → grafana 3000/TCP")
                        .doesNotContain("prometheus → grafana");
            });
        }

        @Test
        @DisplayName("the store gateway's ingress rule for Thanos Query removed (mutation)")
        void storeApiDenied() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            NetworkPolicy store = AnalysisFixtures.find(objects, NetworkPolicy.class, "monitoring-thanos-store-net");
            store.getSpec()
                    .getIngress()
                    .removeIf(
                            r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 10901));
            HaReport report = brokenByMutation(NetworkPoliciesCheck.ID, objects);
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.object()).isEqualTo("NetworkPolicy/monitoring-thanos-store-net");
                assertThat(f.message())
                        .contains("thanos-query → thanos-store 10901/TCP", "monitoring-thanos-store-net");
            });
        }

        @Test
        @DisplayName(
                "PostgreSQL pods left with the operator's own instance label (mutation: no inheritedMetadata instance label)")
        void postgresOutsideTheSelectors() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            GenericKubernetesResource cluster =
                    AnalysisFixtures.find(objects, GenericKubernetesResource.class, "monitoring-postgresql");
            Map<String, Object> inherited = cluster.get("spec", "inheritedMetadata", "labels");
            inherited.remove("app.kubernetes.io/instance");
            HaReport report = brokenByMutation(NetworkPoliciesCheck.ID, objects);
            assertThat(report.findings()).anySatisfy(f -> {
                assertThat(f.severity()).isEqualTo(Severity.ERROR);
                assertThat(f.message())
                        .startsWith(
                                "grafana → postgresql 5432/TCP (Grafana database ([database] host)) is denied: egress of grafana");
            });
        }

        @Test
        @DisplayName("an egress rule to the internet for a component that needs none (mutation)")
        void undeclaredExternalEgress() {
            List<HasMetadata> objects = AnalysisFixtures.mutableObjects("prod");
            NetworkPolicy query = AnalysisFixtures.find(objects, NetworkPolicy.class, "monitoring-thanos-query-net");
            query.getSpec()
                    .getEgress()
                    .add(new NetworkPolicyEgressRuleBuilder()
                            .addNewTo()
                            .withNewIpBlock()
                            .withCidr("0.0.0.0/0")
                            .endIpBlock()
                            .endTo()
                            .addNewPort()
                            .withProtocol("TCP")
                            .withNewPort(443)
                            .endPort()
                            .build());
            HaReport report = brokenByMutation(NetworkPoliciesCheck.ID, objects);
            assertThat(report.findings())
                    .singleElement()
                    .satisfies(f -> assertThat(f.message()).contains("thanos-query", "ipBlock 0.0.0.0/0", "443/TCP"));
        }
    }

    @Nested
    @DisplayName("failure-domains (values)")
    class FailureDomains {

        @Test
        @DisplayName("an Alertmanager affinity that drops the generated spreading")
        void affinityWithoutSpread() {
            HaReport report = brokenByValues(
                    FailureDomainsCheck.ID, "failure-domains--alertmanager-affinity-without-spread.yaml");
            assertThat(report.findings()).singleElement().satisfies(f -> {
                assertThat(f.object()).isEqualTo("StatefulSet/monitoring-alertmanager");
                assertThat(f.message()).contains("3 replicas", "0 of 3 running", "kubernetes.io/hostname");
                assertThat(f.fix()).contains("global.scheduling.hostnameSpread: required", "alertmanager.affinity");
            });
        }

        @Test
        @DisplayName("Prometheus requiring a label no node carries")
        void pendingPrometheus() {
            HaReport report = brokenByValues(FailureDomainsCheck.ID, "failure-domains--prometheus-node-selector.yaml");
            assertThat(report.findings())
                    .singleElement()
                    .is(message("All 2 replica(s) stay Pending on topology 3x2: no eligible node: "
                            + "node lacks label disktype=nvme (nodeSelector) (6 of 6 nodes)."));
        }

        @Test
        @DisplayName("a topology whose nodes are not the dedicated pool")
        void topologyWithoutPool() {
            HaReport report = AnalysisFixtures.analysis("prod", "3x2")
                    .topology(Topology.preset("3x2", NodePool.none()))
                    .run();
            assertThat(AnalysisFixtures.checkIds(report)).containsExactly(FailureDomainsCheck.ID);
            assertThat(report.findings())
                    .hasSize(report.components().size())
                    .allSatisfy(f -> assertThat(f)
                            .is(message("no eligible node: node lacks label workload-pool=monitoring (nodeSelector)")));
        }
    }
}
