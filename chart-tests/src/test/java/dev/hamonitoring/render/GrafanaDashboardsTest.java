package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The dashboards the Grafana subchart provisions (files/dashboards), and the user's own. */
@DisplayName("Grafana dashboards")
class GrafanaDashboardsTest {

    static final String CONFIG_MAP = ChartDashboards.CONFIG_MAP;
    static final Set<String> CHART_DASHBOARDS = Set.of(
            "stack-overview.json",
            "thanos.json",
            "alertmanager.json",
            "prometheus-replicas.json",
            "redis-haproxy.json",
            "cluster-basics.json");

    private final RenderedRelease prod = Releases.overlay("prod");

    static Map<String, JsonNode> dashboards(RenderedRelease release) {
        return ChartDashboards.dashboards(release);
    }

    static JsonNode parse(String json) {
        return ChartDashboards.parse(json);
    }

    /** What is wrong with a dashboard: panels or targets without the provisioned datasource, targets without a query. */
    static List<String> problems(String file, JsonNode dashboard, String datasourceUid) {
        List<String> problems = new ArrayList<>();
        if (dashboard.path("uid").asText().isBlank()
                || dashboard.path("title").asText().isBlank()) {
            problems.add(file + ": no uid or title");
        }
        for (JsonNode panel : dashboard.path("panels")) {
            String where = file + " panel '" + panel.path("title").asText() + "'";
            if (!datasourceUid.equals(panel.path("datasource").path("uid").asText())) {
                problems.add(where + ": datasource " + panel.path("datasource") + " is not the provisioned "
                        + datasourceUid);
            }
            if (panel.path("targets").isEmpty()) {
                problems.add(where + ": no query");
            }
            for (JsonNode target : panel.path("targets")) {
                if (!datasourceUid.equals(target.path("datasource").path("uid").asText())) {
                    problems.add(where + " target " + target.path("refId").asText() + ": datasource "
                            + target.path("datasource") + " is not the provisioned " + datasourceUid);
                }
                if (target.path("expr").asText().isBlank()) {
                    problems.add(where + " target " + target.path("refId").asText() + ": empty expr");
                }
            }
        }
        return problems;
    }

    /** The uid of the provisioned Thanos datasource. */
    private static String thanosDatasourceUid(RenderedRelease release) {
        String yaml =
                release.one(ConfigMap.class, "monitoring-grafana").getData().get("datasources.yaml");
        for (JsonNode source : ChartRules.parse(yaml).path("datasources")) {
            if (source.path("name").asText().equals("Thanos")) {
                assertThat(source.path("type").asText()).isEqualTo("prometheus");
                return source.path("uid").asText();
            }
        }
        throw new AssertionError("no Thanos datasource in " + yaml);
    }

    private static PodSpec grafanaPod(RenderedRelease release) {
        return release.one(Deployment.class, "monitoring-grafana")
                .getSpec()
                .getTemplate()
                .getSpec();
    }

    private static Map<String, String> mounts(RenderedRelease release) {
        Container grafana = Releases.container(grafanaPod(release), "grafana");
        return grafana.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
    }

    @Test
    @DisplayName(
            "the prod overlay provisions the six dashboards, each with a unique uid, every panel and query on the provisioned Thanos datasource")
    void chartDashboards() {
        Map<String, JsonNode> dashboards = dashboards(prod);
        assertThat(dashboards.keySet()).containsExactlyInAnyOrderElementsOf(CHART_DASHBOARDS);
        String uid = thanosDatasourceUid(prod);
        Set<String> uids = new HashSet<>();
        int queries = 0;
        for (Map.Entry<String, JsonNode> e : dashboards.entrySet()) {
            assertThat(problems(e.getKey(), e.getValue(), uid)).isEmpty();
            assertThat(uids.add(e.getValue().path("uid").asText()))
                    .as("unique uid " + e.getValue().path("uid"))
                    .isTrue();
            queries += e.getValue().findValues("expr").size();
        }
        assertThat(queries).isGreaterThan(20);
    }

    @Test
    @DisplayName("negative twin: a panel on another datasource and a target without a query are reported")
    void problemsFound() {
        JsonNode bad = parse("""
                {"uid": "x", "title": "X", "panels": [
                  {"title": "p", "datasource": {"uid": "prometheus"}, "targets": [{"refId": "A", "datasource": {"uid": "thanos"}, "expr": ""}]}]}
                """);
        assertThat(problems("x.json", bad, "thanos"))
                .containsExactly(
                        "x.json panel 'p': datasource {\"uid\":\"prometheus\"} is not the provisioned thanos",
                        "x.json panel 'p' target A: empty expr");
    }

    @Test
    @DisplayName("Grafana reads them through a file provider on a folder per directory, read-only in the UI")
    void provider() {
        Map<String, String> mounts = mounts(prod);
        assertThat(mounts)
                .containsEntry("/etc/grafana/provisioning/dashboards", "dashboard-provider")
                .containsEntry("/etc/grafana/dashboards/ha-monitoring", "dashboards");
        JsonNode provider = ChartRules.parse(
                        prod.one(ConfigMap.class, CONFIG_MAP).getData().get("provider.yaml"))
                .path("providers")
                .get(0);
        assertThat(provider.path("options").path("path").asText()).isEqualTo("/etc/grafana/dashboards");
        assertThat(provider.path("options").path("foldersFromFilesStructure").asBoolean())
                .isTrue();
        assertThat(provider.path("allowUiUpdates").asBoolean()).isFalse();
        Volume dashboards = grafanaPod(prod).getVolumes().stream()
                .filter(v -> v.getName().equals("dashboards"))
                .findFirst()
                .orElseThrow();
        assertThat(dashboards.getConfigMap().getItems())
                .extracting(i -> i.getKey())
                .containsExactlyInAnyOrderElementsOf(CHART_DASHBOARDS);
    }

    @Test
    @DisplayName("users add dashboards inline (same folder) and from existing ConfigMaps (a folder each)")
    void ownDashboards() {
        RenderedRelease own = Releases.overlay("prod", "dashboards-own");
        assertThat(dashboards(own))
                .containsKey("team-latency.json")
                .containsKeys(CHART_DASHBOARDS.toArray(String[]::new));
        assertThat(mounts(own)).containsEntry("/etc/grafana/dashboards/team-dashboards", "dashboards-team-dashboards");
        assertThat(grafanaPod(own).getVolumes())
                .filteredOn(v -> v.getName().equals("dashboards-team-dashboards"))
                .singleElement()
                .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("team-dashboards"));
        assertThat(mounts(prod)).doesNotContainValue("dashboards-team-dashboards");
    }

    @Nested
    @DisplayName("dashboards from labelled ConfigMaps (grafana.dashboards.sidecar)")
    class Sidecar {

        private final RenderedRelease on = Releases.overlay("prod", "dashboards-sidecar");

        private Container sidecar(RenderedRelease release) {
            return Releases.container(grafanaPod(release), "dashboard-sidecar");
        }

        private Map<String, String> env(Container container) {
            return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        }

        @Test
        @DisplayName(
                "a sidecar writes the ConfigMaps of the values' label into an emptyDir that Grafana's file provider reads as one folder")
        void wiring() {
            Container sidecar = sidecar(on);
            assertThat(sidecar.getImage()).isEqualTo("quay.io/kiwigrid/k8s-sidecar:1.30.3");
            Map<String, String> env = env(sidecar);
            assertThat(env)
                    .containsEntry("LABEL", "team.example.com/dashboard")
                    .containsEntry("LABEL_VALUE", "yes")
                    .containsEntry("RESOURCE", "configmap")
                    .containsEntry("NAMESPACE", "monitoring,team-a");
            VolumeMount written = sidecar.getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals(env.get("FOLDER")))
                    .findFirst()
                    .orElseThrow();
            assertThat(mounts(on)).containsEntry("/etc/grafana/dashboards/labelled", written.getName());
            JsonNode provider = ChartRules.parse(
                            on.one(ConfigMap.class, CONFIG_MAP).getData().get("provider.yaml"))
                    .path("providers")
                    .get(0);
            assertThat("/etc/grafana/dashboards/labelled")
                    .startsWith(provider.path("options").path("path").asText() + "/");
            assertThat(grafanaPod(on).getVolumes())
                    .filteredOn(v -> v.getName().equals(written.getName()))
                    .singleElement()
                    .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
            assertThat(mounts(on)).containsEntry("/etc/grafana/dashboards/ha-monitoring", "dashboards");
        }

        @Test
        @DisplayName(
                "it may only get, list and watch ConfigMaps, through a namespaced Role in each watched namespace, and reach the API server")
        void rbacAndNetwork() {
            List<Role> roles = on.all(Role.class).stream()
                    .filter(r -> r.getMetadata().getName().equals("monitoring-grafana-dashboards"))
                    .toList();
            assertThat(roles)
                    .extracting(r -> r.getMetadata().getNamespace())
                    .containsExactlyInAnyOrder("monitoring", "team-a");
            assertThat(roles)
                    .allSatisfy(r -> assertThat(r.getRules()).singleElement().satisfies(rule -> {
                        assertThat(rule.getResources()).containsExactly("configmaps");
                        assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
                    }));
            assertThat(on.all(RoleBinding.class))
                    .filteredOn(b -> b.getMetadata().getName().equals("monitoring-grafana-dashboards"))
                    .hasSize(2)
                    .allSatisfy(b -> assertThat(b.getSubjects())
                            .singleElement()
                            .satisfies(subject -> assertThat(subject.getName()).isEqualTo("monitoring-grafana")));
            assertThat(on.all(ClusterRole.class))
                    .extracting(r -> r.getMetadata().getName())
                    .noneMatch(n -> n.contains("grafana"));
            assertThat(grafanaPod(on).getAutomountServiceAccountToken()).isTrue();
            assertThat(apiServerEgress(on)).isTrue();
        }

        @Test
        @DisplayName(
                "negative twin: off (every overlay), no sidecar, no Role, no token and no egress to the API server")
        void offByDefault() {
            assertThat(grafanaPod(prod).getContainers())
                    .extracting(Container::getName)
                    .containsExactly("grafana");
            assertThat(prod.all(Role.class))
                    .extracting(r -> r.getMetadata().getName())
                    .doesNotContain("monitoring-grafana-dashboards");
            assertThat(grafanaPod(prod).getAutomountServiceAccountToken()).isFalse();
            assertThat(apiServerEgress(prod)).isFalse();
        }

        private boolean apiServerEgress(RenderedRelease release) {
            NetworkPolicy policy = release.one(NetworkPolicy.class, "monitoring-grafana-net");
            return policy.getSpec().getEgress().stream()
                    .anyMatch(rule -> rule.getPorts().stream()
                            .anyMatch(p -> p.getPort().getIntVal() != null
                                    && p.getPort().getIntVal() == 6443));
        }
    }
}
