package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
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
            "redis-haproxy.json");

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
            "the prod overlay provisions the five dashboards, each with a unique uid, every panel and query on the provisioned Thanos datasource")
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
}
