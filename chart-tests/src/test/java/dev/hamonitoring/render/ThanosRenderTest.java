package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Thanos")
class ThanosRenderTest {

    private final RenderedRelease prod = Releases.overlay("prod");

    private static Container only(RenderedRelease release, Class<? extends HasMetadata> kind, String name) {
        return Releases.podSpec(release.one(kind, name)).getContainers().get(0);
    }

    @Nested
    @DisplayName("Query")
    class Query {

        private final Deployment query = prod.one(Deployment.class, "monitoring-thanos-query");
        private final List<String> args =
                only(prod, Deployment.class, "monitoring-thanos-query").getArgs();

        @Test
        @DisplayName("runs three replicas")
        void threeReplicas() {
            assertThat(query.getSpec().getReplicas()).isEqualTo(3);
        }

        @Test
        @DisplayName("deduplicates on exactly the label that differs between Prometheus replicas")
        void replicaLabel() {
            assertThat(args)
                    .filteredOn(a -> a.startsWith("--query.replica-label="))
                    .containsExactly("--query.replica-label=prometheus_replica");
        }

        @Test
        @DisplayName("follows a changed replica label everywhere it is used")
        void replicaLabelFollowsGlobal() {
            RenderedRelease renamed = Releases.overlay("prod", "replica-label-renamed");
            assertThat(only(renamed, Deployment.class, "monitoring-thanos-query")
                            .getArgs())
                    .contains("--query.replica-label=replica");
            assertThat(only(renamed, StatefulSet.class, "monitoring-thanos-compactor")
                            .getArgs())
                    .contains("--deduplication.replica-label=replica");
            assertThat(renamed.one(ConfigMap.class, "monitoring-prometheus")
                            .getData()
                            .get("prometheus.yml"))
                    .contains("replica: ${POD_NAME}")
                    .doesNotContain("prometheus_replica");
        }

        @Test
        @DisplayName("finds sidecars and store gateways through the gRPC SRV records of headless Services")
        void endpoints() {
            assertThat(args)
                    .filteredOn(a -> a.startsWith("--endpoint="))
                    .containsExactly(
                            "--endpoint=dnssrv+_grpc._tcp.monitoring-prometheus-headless.monitoring.svc.cluster.local",
                            "--endpoint=dnssrv+_grpc._tcp.monitoring-thanos-store-headless.monitoring.svc.cluster.local");
            assertThat(args).noneMatch(a -> a.startsWith("--store="));
            for (String name : List.of("monitoring-prometheus-headless", "monitoring-thanos-store-headless")) {
                Service service = prod.one(Service.class, name);
                assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
                assertThat(service.getSpec().getPorts())
                        .extracting(ServicePort::getName)
                        .contains("grpc");
            }
        }

        @Test
        @DisplayName(
                "re-resolves those records every 30 s, well inside the time a rolling update keeps a new Prometheus replica Ready before replacing the other")
        void discoveryFasterThanThePrometheusRollout() {
            assertThat(args)
                    .filteredOn(a -> a.startsWith("--store.sd-dns-interval="))
                    .containsExactly("--store.sd-dns-interval=30s");
            assertThat(prod.one(StatefulSet.class, "monitoring-prometheus")
                            .getSpec()
                            .getMinReadySeconds())
                    .isEqualTo(45);
        }

        @Test
        @DisplayName(
                "keeps Query and the frontend serving 20 s after a rollout takes them out of their Service, before SIGTERM")
        void preStopSleep() {
            for (String name : List.of("monitoring-thanos-query", "monitoring-thanos-query-frontend")) {
                assertThat(only(prod, Deployment.class, name)
                                .getLifecycle()
                                .getPreStop()
                                .getSleep()
                                .getSeconds())
                        .as(name)
                        .isEqualTo(20);
            }
        }

        @Test
        @DisplayName("sits behind a query frontend that forwards to it")
        void frontend() {
            assertThat(only(prod, Deployment.class, "monitoring-thanos-query-frontend")
                            .getArgs())
                    .contains(
                            "--query-frontend.downstream-url=http://monitoring-thanos-query.monitoring.svc.cluster.local:10902");
        }
    }

    @Nested
    @DisplayName("Store Gateway")
    class StoreGateway {

        private final StatefulSet store = prod.one(StatefulSet.class, "monitoring-thanos-store");

        @Test
        @DisplayName("runs two replicas with index cache, chunk pool and a volume")
        void sized() {
            assertThat(store.getSpec().getReplicas()).isEqualTo(2);
            assertThat(store.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getArgs())
                    .contains("--index-cache-size=500MB", "--chunk-pool-size=2GB");
            assertThat(store.getSpec().getVolumeClaimTemplates()).hasSize(1);
        }
    }

    @Nested
    @DisplayName("Compactor")
    class Compactor {

        private final StatefulSet compactor = prod.one(StatefulSet.class, "monitoring-thanos-compactor");

        @Test
        @DisplayName("is a single StatefulSet pod")
        void singleton() {
            assertThat(compactor.getSpec().getReplicas()).isEqualTo(1);
        }

        @Test
        @DisplayName("keeps raw data 30d, 5m downsamples 90d and 1h downsamples 1y")
        void retention() {
            assertThat(compactor
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getArgs())
                    .contains(
                            "--retention.resolution-raw=30d",
                            "--retention.resolution-5m=90d",
                            "--retention.resolution-1h=1y");
        }

        @Test
        @DisplayName("deduplicates offline on the replica label")
        void offlineDedup() {
            assertThat(compactor
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getArgs())
                    .contains("--deduplication.replica-label=prometheus_replica", "--deduplication.func=penalty");
        }

        @Test
        @DisplayName("refuses two replicas")
        void refusesTwo() {
            assertThatThrownBy(() -> Releases.render("prod")
                            .set("thanos.compactor.replicas", "2")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("thanos.compactor.replicas");
        }
    }

    @Nested
    @DisplayName("object storage")
    class ObjectStorage {

        @Test
        @DisplayName("uses an existing Secret by name and renders none itself")
        void existingSecret() {
            assertThat(prod.all(Secret.class))
                    .extracting(s -> s.getMetadata().getName())
                    .doesNotContain("monitoring-thanos-objstore");
        }

        @Test
        @DisplayName("renders the configuration from values into a Secret, never a ConfigMap")
        void fromValues() {
            RenderedRelease release = Releases.overlay("prod", "objstore-inline");
            Secret secret = release.one(Secret.class, "monitoring-thanos-objstore");
            assertThat(secret.getStringData().get("objstore.yml")).contains("type: S3", "bucket: metrics");
            assertThat(release.all(ConfigMap.class))
                    .noneMatch(cm -> String.valueOf(cm.getData()).contains("secret_key"));
            assertThat(Releases.podSpec(release.one(StatefulSet.class, "monitoring-prometheus"))
                            .getVolumes())
                    .anySatisfy(v -> assertThat(
                                    v.getSecret() == null ? null : v.getSecret().getSecretName())
                            .isEqualTo("monitoring-thanos-objstore"));
        }
    }
}
