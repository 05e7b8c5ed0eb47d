package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Grafana")
class GrafanaRenderTest {

    static String ini(RenderedRelease release) {
        return release.one(ConfigMap.class, "monitoring-grafana").getData().get("grafana.ini");
    }

    private static Container grafana(RenderedRelease release) {
        return Releases.podSpec(release.one(Deployment.class, "monitoring-grafana"))
                .getContainers()
                .get(0);
    }

    private static Optional<EnvVar> env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
    }

    /** Secret names behind every env variable called name, per container, of every workload. */
    private static Map<String, String> secretsOf(RenderedRelease release, String name) {
        Map<String, String> secrets = new TreeMap<>();
        for (HasMetadata workload : Releases.workloads(release)) {
            for (Container container : Releases.podSpec(workload).getContainers()) {
                env(container, name)
                        .filter(e -> e.getValueFrom() != null)
                        .ifPresent(e -> secrets.put(
                                workload.getMetadata().getName() + "/" + container.getName(),
                                e.getValueFrom().getSecretKeyRef().getName()));
            }
        }
        return secrets;
    }

    @Nested
    @DisplayName("facts shared with its database and Redis, set once under global")
    class SharedFacts {

        @Test
        @DisplayName(
                "global.redis.auth names the password Secret for Redis, its Sentinels, HAProxy and Grafana at once")
        void redisPassword() {
            RenderedRelease release = Releases.render("prod")
                    .set("global.redis.auth.existingSecret", "redis-shared")
                    .set("global.redis.auth.passwordKey", "pw")
                    .render();
            Map<String, String> secrets = secretsOf(release, "REDIS_PASSWORD");
            assertThat(secrets)
                    .containsKeys(
                            "monitoring-grafana/grafana",
                            "monitoring-redis/redis",
                            "monitoring-redis/sentinel",
                            "monitoring-redis-haproxy/haproxy");
            assertThat(secrets.values()).containsOnly("redis-shared");
            assertThat(env(grafana(release), "REDIS_PASSWORD"))
                    .hasValueSatisfying(
                            e -> assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                                    .isEqualTo("pw"));
        }

        @Test
        @DisplayName("an empty global.redis.auth.existingSecret leaves every side without a password")
        void noRedisPassword() {
            RenderedRelease release = Releases.render("prod")
                    .set("global.redis.auth.existingSecret", "")
                    .render();
            assertThat(secretsOf(release, "REDIS_PASSWORD")).isEmpty();
            assertThat(env(grafana(release), "GF_REMOTE_CACHE_CONNSTR"))
                    .hasValueSatisfying(e -> assertThat(e.getValue()).doesNotContain("password"));
        }

        @Test
        @DisplayName("global.grafanaDatabase names the database the cluster creates and the one Grafana connects to")
        void database() {
            RenderedRelease release = Releases.render("prod")
                    .set("global.grafanaDatabase.name", "dashboards")
                    .set("global.grafanaDatabase.user", "viewer")
                    .render();
            assertThat(ini(release)).contains("name = dashboards", "user = viewer");
            Map<String, Object> spec =
                    ((GenericKubernetesResource) release.oneOfKind("Cluster", "monitoring-postgresql")).get("spec");
            assertThat(spec.get("bootstrap"))
                    .isEqualTo(Map.of("initdb", Map.of("database", "dashboards", "owner", "viewer")));
        }
    }

    @Nested
    @DisplayName("in the prod overlay")
    class Prod {

        private final RenderedRelease prod = Releases.overlay("prod");

        @Test
        @DisplayName("runs three replicas on the bundled PostgreSQL cluster")
        void sharedDatabase() {
            assertThat(prod.one(Deployment.class, "monitoring-grafana")
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(3);
            assertThat(ini(prod))
                    .contains(
                            "[database]",
                            "type = postgres",
                            "host = monitoring-postgresql-rw.monitoring.svc.cluster.local:5432",
                            "name = grafana",
                            "user = grafana",
                            "ssl_mode = require");
        }

        @Test
        @DisplayName("shares alert state through unified-alerting peers on a headless Service")
        void alertingPeers() {
            assertThat(ini(prod))
                    .contains(
                            "ha_peers = monitoring-grafana-alerting.monitoring.svc.cluster.local:9094",
                            "ha_listen_address = ${POD_IP}:9094",
                            "ha_advertise_address = ${POD_IP}:9094");
            Service peers = prod.one(Service.class, "monitoring-grafana-alerting");
            assertThat(peers.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(peers.getSpec().getPorts())
                    .extracting(ServicePort::getProtocol)
                    .containsExactlyInAnyOrder("TCP", "UDP");
            assertThat(env(grafana(prod), "POD_IP"))
                    .hasValueSatisfying(
                            e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                                    .isEqualTo("status.podIP"));
        }

        @Test
        @DisplayName("uses the HA Redis for its remote cache and the Live HA engine")
        void redis() {
            assertThat(ini(prod))
                    .contains(
                            "[remote_cache]",
                            "type = redis",
                            "ha_engine = redis",
                            "ha_engine_address = monitoring-redis.monitoring.svc.cluster.local:6379");
            assertThat(env(grafana(prod), "GF_REMOTE_CACHE_CONNSTR"))
                    .hasValueSatisfying(e -> assertThat(e.getValue())
                            .contains(
                                    "addr=monitoring-redis.monitoring.svc.cluster.local:6379",
                                    "password=$(REDIS_PASSWORD)"));
        }

        @Test
        @DisplayName("reads every password from Secrets through the environment, never from grafana.ini")
        void passwordsFromSecrets() {
            Map<String, String> secretRefs = Map.of(
                    "GF_SECURITY_ADMIN_PASSWORD", "grafana-admin",
                    "GF_SECURITY_SECRET_KEY", "grafana-secret-key",
                    "GF_DATABASE_PASSWORD", "monitoring-postgresql-app",
                    "REDIS_PASSWORD", "redis-auth");
            secretRefs.forEach((name, secret) -> assertThat(env(grafana(prod), name))
                    .as(name)
                    .hasValueSatisfying(
                            e -> assertThat(e.getValueFrom().getSecretKeyRef().getName())
                                    .isEqualTo(secret)));
            assertThat(ini(prod)).doesNotContainIgnoringCase("password").doesNotContain("secret_key");
        }

        @Test
        @DisplayName("is ready on /api/health, alive on /healthz, and provisions Thanos and Alertmanager data sources")
        void probesAndDatasources() {
            Container container = grafana(prod);
            // Readiness includes the database check; liveness only the web server (ProbesRenderTest).
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/api/health");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
            String datasources =
                    prod.one(ConfigMap.class, "monitoring-grafana").getData().get("datasources.yaml");
            assertThat(datasources)
                    .contains("url: http://monitoring-thanos-query-frontend.monitoring.svc.cluster.local:10902")
                    .contains("url: http://monitoring-alertmanager.monitoring.svc.cluster.local:9093")
                    .doesNotContain("type: loki");
        }

        @Test
        @DisplayName("has no obsolete [session] section")
        void noSessionSection() {
            assertThat(ini(prod)).doesNotContain("[session]");
        }
    }

    @Nested
    @DisplayName("with Loki enabled")
    class WithLoki {

        @Test
        @DisplayName("provisions a Loki data source on the read path")
        void lokiDatasource() {
            String datasources = Releases.overlay("prod", "loki-on")
                    .one(ConfigMap.class, "monitoring-grafana")
                    .getData()
                    .get("datasources.yaml");
            assertThat(datasources)
                    .contains("type: loki", "url: http://monitoring-loki-read.monitoring.svc.cluster.local:3100");
        }
    }

    @Nested
    @DisplayName("in the dev overlay")
    class Dev {

        private final RenderedRelease dev = Releases.overlay("dev");

        @Test
        @DisplayName("runs one replica on SQLite, replaced with Recreate so two never share the file")
        void sqlite() {
            Deployment deployment = dev.one(Deployment.class, "monitoring-grafana");
            assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
            assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
            assertThat(ini(dev))
                    .contains("type = sqlite3", "[remote_cache]", "type = database")
                    .doesNotContain("ha_engine");
            assertThat(env(grafana(dev), "GF_DATABASE_PASSWORD")).isEmpty();
        }
    }

    @Nested
    @DisplayName("guards")
    class Guards {

        @Test
        @DisplayName("refuse more than one replica on SQLite")
        void sqliteReplicas() {
            assertThatThrownBy(() ->
                            Releases.render("dev").set("grafana.replicas", "3").render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("grafana.replicas=3 with grafana.database.type=sqlite3");
        }

        @Test
        @DisplayName("refuse a render without the admin Secret")
        void adminSecret() {
            assertThatThrownBy(() -> Releases.render("prod")
                            .set("grafana.admin.existingSecret", "")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("grafana.admin.existingSecret");
        }
    }
}
