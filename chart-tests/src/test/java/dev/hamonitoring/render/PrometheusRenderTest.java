package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Prometheus")
class PrometheusRenderTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static StatefulSet statefulSet(RenderedRelease release) {
        return release.find(StatefulSet.class, "monitoring-prometheus")
                .orElseGet(() -> release.one(StatefulSet.class, "monitoring-prometheus-ephemeral"));
    }

    private static JsonNode config(RenderedRelease release) throws Exception {
        return YAML.readTree(
                release.one(ConfigMap.class, "monitoring-prometheus").getData().get("prometheus.yml"));
    }

    @Nested
    @DisplayName("in the prod overlay")
    class Prod {

        private final RenderedRelease prod = Releases.overlay("prod");
        private final PodSpec pod = Releases.podSpec(statefulSet(prod));
        private final Container prometheus = Releases.container(pod, "prometheus");

        @Test
        @DisplayName("runs two replicas as a StatefulSet with a Thanos sidecar in each pod")
        void twoReplicasWithSidecar() {
            assertThat(statefulSet(prod).getSpec().getReplicas()).isEqualTo(2);
            assertThat(pod.getContainers())
                    .extracting(Container::getName)
                    .containsExactly("prometheus", "thanos-sidecar");
        }

        @Test
        @DisplayName("turns local compaction off with 2h blocks and keeps 24h locally")
        void blockDurationsAndRetention() {
            assertThat(prometheus.getArgs())
                    .contains(
                            "--storage.tsdb.min-block-duration=2h",
                            "--storage.tsdb.max-block-duration=2h",
                            "--storage.tsdb.retention.time=24h");
        }

        @Test
        @DisplayName("labels each replica with its pod name under the replica label, and nothing else per pod")
        void perPodReplicaLabel() throws Exception {
            JsonNode labels = config(prod).path("global").path("external_labels");
            assertThat(labels.path("prometheus_replica").asText()).isEqualTo("${POD_NAME}");
            assertThat(labels.path("cluster").asText()).isEqualTo("production");
            List<String> perPod = new ArrayList<>();
            labels.fields().forEachRemaining(e -> {
                if (e.getValue().asText().contains("${")) {
                    perPod.add(e.getKey());
                }
            });
            assertThat(perPod).containsExactly("prometheus_replica");
            assertThat(prometheus.getEnv()).anySatisfy(env -> {
                assertThat(env.getName()).isEqualTo("POD_NAME");
                assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
            });
        }

        @Test
        @DisplayName("sends alerts to every Alertmanager pod through the headless Service, without the replica label")
        void alertsEveryAlertmanager() throws Exception {
            JsonNode alerting = config(prod).path("alerting");
            JsonNode sd =
                    alerting.path("alertmanagers").get(0).path("dns_sd_configs").get(0);
            assertThat(sd.path("type").asText()).isEqualTo("A");
            assertThat(sd.path("names").get(0).asText())
                    .isEqualTo("monitoring-alertmanager-headless.monitoring.svc.cluster.local");
            assertThat(sd.path("port").asInt()).isEqualTo(9093);
            JsonNode relabel = alerting.path("alert_relabel_configs").get(0);
            assertThat(relabel.path("action").asText()).isEqualTo("labeldrop");
            assertThat(relabel.path("regex").asText()).isEqualTo("prometheus_replica");
        }

        @Test
        @DisplayName("scrapes the stack's own pods and the cluster's nodes, kubelets and annotated workloads")
        void scrapeJobs() throws Exception {
            List<String> jobs = new ArrayList<>();
            config(prod)
                    .path("scrape_configs")
                    .forEach(job -> jobs.add(job.path("job_name").asText()));
            assertThat(jobs)
                    .containsExactly(
                            "ha-monitoring",
                            "kube-state-metrics",
                            "node-exporter",
                            "kubernetes-apiservers",
                            "kubernetes-nodes",
                            "kubernetes-cadvisor",
                            "kubernetes-service-endpoints",
                            "kubernetes-pods");
        }

        @Test
        @DisplayName("may discover nodes, pods, services and endpoint slices cluster-wide, read-only")
        void clusterRole() {
            ClusterRole role = prod.one(ClusterRole.class, "monitoring-monitoring-prometheus");
            assertThat(role.getRules())
                    .flatExtracting(PolicyRule::getResources)
                    .contains("nodes", "nodes/metrics", "pods", "services", "endpointslices");
            assertThat(role.getRules()).flatExtracting(PolicyRule::getVerbs).containsOnly("get", "list", "watch");
            assertThat(pod.getAutomountServiceAccountToken()).isTrue();
        }

        @Test
        @DisplayName("keeps its TSDB on a 100Gi volume of the fast StorageClass")
        void fastVolume() {
            var claim = statefulSet(prod).getSpec().getVolumeClaimTemplates().get(0);
            assertThat(claim.getSpec().getStorageClassName()).isEqualTo("monitoring-fast-ssd");
            assertThat(claim.getSpec().getResources().getRequests().get("storage"))
                    .isEqualTo(new Quantity("100Gi"));
        }

        @Test
        @DisplayName("requests 2 CPU / 8Gi and is limited to 4 CPU / 16Gi")
        void resources() {
            assertThat(prometheus.getResources().getRequests())
                    .containsEntry("cpu", new Quantity("2"))
                    .containsEntry("memory", new Quantity("8Gi"));
            assertThat(prometheus.getResources().getLimits())
                    .containsEntry("cpu", new Quantity("4"))
                    .containsEntry("memory", new Quantity("16Gi"));
        }

        @Test
        @DisplayName("has a PodDisruptionBudget keeping one of two replicas")
        void disruptionBudget() {
            PodDisruptionBudget pdb = prod.one(PodDisruptionBudget.class, "monitoring-prometheus");
            assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
            assertThat(pdb.getSpec().getSelector().getMatchLabels())
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of("app.kubernetes.io/name", "prometheus", "app.kubernetes.io/instance", "monitoring"));
        }

        @Test
        @DisplayName("points the sidecar at the object store Secret, not a ConfigMap")
        void sidecarObjectStore() {
            Container sidecar = Releases.container(pod, "thanos-sidecar");
            assertThat(sidecar.getArgs())
                    .contains(
                            "--objstore.config-file=/etc/thanos/objstore/objstore.yml", "--grpc-address=0.0.0.0:10901");
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo("objstore");
                assertThat(v.getSecret().getSecretName()).isEqualTo("thanos-objstore");
            });
        }
    }

    @Nested
    @DisplayName("in the dev overlay")
    class Dev {

        private final RenderedRelease dev = Releases.overlay("dev");

        @Test
        @DisplayName("runs one replica and therefore gets no PodDisruptionBudget")
        void noBudgetForOneReplica() {
            assertThat(statefulSet(dev).getSpec().getReplicas()).isEqualTo(1);
            assertThat(dev.find(PodDisruptionBudget.class, "monitoring-prometheus"))
                    .isEmpty();
        }

        @Test
        @DisplayName(
                "names its ephemeral StatefulSet apart from the persistent one, so turning persistence on replaces it")
        void ephemeralName() {
            assertThat(dev.find(StatefulSet.class, "monitoring-prometheus")).isEmpty();
            assertThat(dev.find(StatefulSet.class, "monitoring-prometheus-ephemeral"))
                    .isPresent();
            assertThat(statefulSet(Releases.overlay("prod")).getMetadata().getName())
                    .isEqualTo("monitoring-prometheus");
        }

        @Test
        @DisplayName("keeps its TSDB in an emptyDir when persistence is off")
        void ephemeralStorage() {
            assertThat(statefulSet(dev).getSpec().getVolumeClaimTemplates()).isNullOrEmpty();
            assertThat(Releases.podSpec(statefulSet(dev)).getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo("data");
                assertThat(v.getEmptyDir()).isNotNull();
            });
        }
    }

    @Nested
    @DisplayName("without cluster scraping")
    class NamespaceOnly {

        private final RenderedRelease release = Releases.overlay("prod", "no-cluster-scrape");

        @Test
        @DisplayName("needs no ClusterRole and scrapes only the stack")
        void noClusterRole() throws Exception {
            assertThat(release.all(ClusterRole.class))
                    .as("kube-state-metrics' own ClusterRole aside")
                    .extracting(r -> r.getMetadata().getLabels().get("app.kubernetes.io/name"))
                    .containsExactly("kube-state-metrics");
            List<String> jobs = new ArrayList<>();
            config(release)
                    .path("scrape_configs")
                    .forEach(job -> jobs.add(job.path("job_name").asText()));
            assertThat(jobs).as("the release's own pods only").containsExactly("ha-monitoring", "kube-state-metrics");
        }
    }
}
