package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The helm test Pod")
class HelmTestPodTest {

    private static Pod pod(String environment) {
        List<TemplatesWithHooks.Document> hooks =
                ReleaseFixtures.withHooks(environment).hooks();
        assertThat(hooks).hasSize(1);
        assertThat(hooks.get(0).template()).isEqualTo("ha-monitoring/templates/tests/ha-check.yaml");
        return (Pod) hooks.get(0).object();
    }

    private static RenderedRelease release(String environment) {
        return ReleaseFixtures.withHooks(environment).manifest();
    }

    private static Container container(String environment) {
        return pod(environment).getSpec().getContainers().get(0);
    }

    private static String env(String environment, String name) {
        return container(environment).getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static String script(String environment) {
        return String.join("\n", container(environment).getCommand());
    }

    /** The workload whose pods a Service selects (by name + instance labels). */
    private static Map<String, String> podLabels(RenderedRelease release, Service service) {
        List<Map<String, String>> matches = new ArrayList<>();
        for (Deployment d : release.all(Deployment.class)) {
            matches.add(d.getSpec().getTemplate().getMetadata().getLabels());
        }
        for (StatefulSet s : release.all(StatefulSet.class)) {
            matches.add(s.getSpec().getTemplate().getMetadata().getLabels());
        }
        return matches.stream()
                .filter(labels -> service.getSpec().getSelector().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(labels.get(e.getKey()))))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no pods for Service " + service.getMetadata().getName()));
    }

    /** The container port a Service port leads to (targetPort by number or by name). */
    private static int containerPort(RenderedRelease release, Service service, int servicePort) {
        ServicePort port = service.getSpec().getPorts().stream()
                .filter(p -> p.getPort() == servicePort)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "Service " + service.getMetadata().getName() + " has no port " + servicePort));
        if (port.getTargetPort() == null) {
            return servicePort;
        }
        if (port.getTargetPort().getIntVal() != null) {
            return port.getTargetPort().getIntVal();
        }
        Map<String, String> labels = podLabels(release, service);
        List<PodSpec> specs = new ArrayList<>();
        release.all(Deployment.class).stream()
                .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().equals(labels))
                .forEach(d -> specs.add(d.getSpec().getTemplate().getSpec()));
        release.all(StatefulSet.class).stream()
                .filter(s -> s.getSpec().getTemplate().getMetadata().getLabels().equals(labels))
                .forEach(s -> specs.add(s.getSpec().getTemplate().getSpec()));
        return specs.stream()
                .flatMap(s -> s.getContainers().stream())
                .flatMap(c -> c.getPorts().stream())
                .filter(p -> port.getTargetPort().getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no container port " + port.getTargetPort().getStrVal()));
    }

    /** The Service a test URL's host names ({@code <service>.<namespace>.svc.<domain>}). */
    private static Service service(RenderedRelease release, URI url) {
        String name = url.getHost().substring(0, url.getHost().indexOf('.'));
        assertThat(url.getHost()).isEqualTo(name + ".monitoring.svc.cluster.local");
        return release.one(Service.class, name);
    }

    @Nested
    @DisplayName("is a Helm test hook")
    class Hook {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dev", "staging", "prod"})
        @DisplayName("annotated helm.sh/hook: test, replaced before each run and deleted when it passes")
        void annotations(String environment) {
            Map<String, String> annotations = pod(environment).getMetadata().getAnnotations();
            assertThat(annotations).containsEntry("helm.sh/hook", "test");
            assertThat(List.of(annotations.get("helm.sh/hook-delete-policy").split(",")))
                    .containsExactlyInAnyOrder("before-hook-creation", "hook-succeeded");
            assertThat(pod(environment).getSpec().getRestartPolicy()).isEqualTo("Never");
        }

        @Test
        @DisplayName("that helm-java's plain template leaves out (so it never reaches Argo CD's manifest)")
        void notInManifest() {
            assertThat(release("prod").all(Pod.class)).isEmpty();
        }
    }

    @Nested
    @DisplayName("meets the restricted Pod Security Standard")
    class Restricted {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dev", "staging", "prod"})
        @DisplayName(
                "non-root, RuntimeDefault seccomp, no privilege escalation, all capabilities dropped, read-only root")
        void securityContext(String environment) {
            Pod pod = pod(environment);
            assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType())
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getSpec().getHostNetwork()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getSpec().getHostPID()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getSpec().getVolumes())
                    .allSatisfy(v -> assertThat(v.getHostPath()).isNull());
            assertThat(pod.getSpec().getContainers()).hasSize(1).allSatisfy(c -> {
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
            });
        }

        @Test
        @DisplayName("runs a tiny upstream image pinned to a version, with small resources including ephemeral storage")
        void image() {
            Container container = container("prod");
            assertThat(container.getImage()).matches("docker\\.io/curlimages/curl:\\d+\\.\\d+\\.\\d+");
            assertThat(Quantity.getAmountInBytes(
                            container.getResources().getLimits().get("memory")))
                    .isLessThanOrEqualTo(Quantity.getAmountInBytes(new Quantity("64Mi")));
            assertThat(Quantity.getAmountInBytes(
                            container.getResources().getLimits().get("cpu")))
                    .isLessThanOrEqualTo(Quantity.getAmountInBytes(new Quantity("100m")));
            assertThat(container.getResources().getRequests()).containsEntry("ephemeral-storage", new Quantity("16Mi"));
            assertThat(container.getResources().getLimits()).containsEntry("ephemeral-storage", new Quantity("64Mi"));
        }
    }

    @Nested
    @DisplayName("checks the HA wiring of the release it belongs to")
    class Checks {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dev", "staging", "prod"})
        @DisplayName(
                "expects the rendered Prometheus and Alertmanager replica counts and the replica label Thanos Query dedups on")
        void replicaCounts(String environment) {
            RenderedRelease release = release(environment);
            assertThat(env(environment, "PROMETHEUS_REPLICAS"))
                    .isEqualTo(String.valueOf(
                            statefulSetOf(release, "prometheus").getSpec().getReplicas()));
            assertThat(env(environment, "ALERTMANAGER_REPLICAS"))
                    .isEqualTo(String.valueOf(
                            statefulSetOf(release, "alertmanager").getSpec().getReplicas()));
            List<String> queryArgs = release.one(Deployment.class, "monitoring-thanos-query")
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getArgs();
            assertThat(queryArgs).contains("--query.replica-label=" + env(environment, "REPLICA_LABEL"));
        }

        @Test
        @DisplayName("queries Thanos with dedup=true and dedup=false and compares the counts with the replicas")
        void dedup() {
            String script = script("prod");
            assertThat(script)
                    .contains("--data-urlencode dedup=false")
                    .contains("--data-urlencode dedup=true")
                    .contains("\"$series\" -eq \"$ALERTMANAGER_REPLICAS\"")
                    .contains("expected=$((ALERTMANAGER_REPLICAS * PROMETHEUS_REPLICAS))")
                    .contains("grep -q \"\\\"$REPLICA_LABEL\\\"\" && fail");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dev", "staging", "prod"})
        @DisplayName("asks every Alertmanager pod, by its stable DNS name, how many peers it sees")
        void alertmanagerPeers(String environment) {
            RenderedRelease release = release(environment);
            StatefulSet alertmanager = statefulSetOf(release, "alertmanager");
            Service headless = release.one(Service.class, alertmanager.getSpec().getServiceName());
            assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
            List<String> expected = IntStream.range(0, alertmanager.getSpec().getReplicas())
                    .mapToObj(i -> alertmanager.getMetadata().getName() + "-" + i + "."
                            + headless.getMetadata().getName() + ".monitoring.svc.cluster.local:9093")
                    .collect(Collectors.toList());
            assertThat(List.of(env(environment, "ALERTMANAGER_PEERS").split(" ")))
                    .isEqualTo(expected);
            assertThat(alertmanager
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getPorts())
                    .extracting(ContainerPort::getContainerPort)
                    .contains(9093);
            assertThat(script(environment))
                    .contains("for peer in $ALERTMANAGER_PEERS")
                    .contains("http://$peer/api/v2/status")
                    .contains("\"$peers\" -eq \"$ALERTMANAGER_REPLICAS\"");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dev", "staging", "prod"})
        @DisplayName("asks Grafana's /api/health, through its Service, whether the database is ok")
        void grafanaHealth(String environment) {
            RenderedRelease release = release(environment);
            URI grafana = URI.create(env(environment, "GRAFANA_URL"));
            Service service = service(release, grafana);
            assertThat(service.getSpec().getPorts())
                    .extracting(ServicePort::getPort)
                    .contains(grafana.getPort());
            assertThat(podLabels(release, service)).containsEntry("app.kubernetes.io/name", "grafana");
            assertThat(script(environment))
                    .contains("curl -fsS \"$GRAFANA_URL/api/health\"")
                    .contains("grep -Eq '\"database\": *\"ok\"'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dev", "staging", "prod"})
        @DisplayName("queries through the query frontend Service")
        void queryFrontend(String environment) {
            RenderedRelease release = release(environment);
            URI query = URI.create(env(environment, "QUERY_URL"));
            Service service = service(release, query);
            assertThat(podLabels(release, service)).containsEntry("app.kubernetes.io/name", "thanos-query-frontend");
            assertThat(script(environment)).contains("\"$QUERY_URL/api/v1/query\"");
        }
    }

    @Nested
    @DisplayName("is let through by the NetworkPolicies")
    class Network {

        /** Every (service URL -> container port) edge the test Pod opens, with the receiving pods' labels. */
        private Map<String, Map.Entry<Map<String, String>, Integer>> edges(
                String environment, RenderedRelease release) {
            Map<String, Map.Entry<Map<String, String>, Integer>> edges = new LinkedHashMap<>();
            for (String variable : List.of("QUERY_URL", "GRAFANA_URL")) {
                URI url = URI.create(env(environment, variable));
                Service service = service(release, url);
                edges.put(
                        variable,
                        Map.entry(podLabels(release, service), containerPort(release, service, url.getPort())));
            }
            StatefulSet alertmanager = statefulSetOf(release, "alertmanager");
            edges.put(
                    "ALERTMANAGER_PEERS",
                    Map.entry(alertmanager.getSpec().getTemplate().getMetadata().getLabels(), 9093));
            return edges;
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dev", "staging", "prod"})
        @DisplayName("to the query frontend, Grafana and every Alertmanager, and to DNS")
        void allowed(String environment) {
            RenderedRelease release = release(environment);
            List<NetworkPolicy> policies = release.all(NetworkPolicy.class);
            Map<String, String> tests = pod(environment).getMetadata().getLabels();
            edges(environment, release)
                    .forEach((variable, target) -> assertThat(
                                    NetworkPolicies.allows(policies, tests, target.getKey(), target.getValue(), "TCP"))
                            .as("%s: test Pod -> %s port %s", environment, variable, target.getValue())
                            .isTrue());
            boolean egressRestricted = policies.stream()
                    .anyMatch(p -> NetworkPolicies.matches(p.getSpec().getPodSelector(), tests)
                            && p.getSpec().getPolicyTypes().contains("Egress"));
            if (egressRestricted) {
                Map<String, String> dns = Map.of("k8s-app", "kube-dns");
                assertThat(policies.stream()
                                .filter(p -> NetworkPolicies.matches(p.getSpec().getPodSelector(), tests))
                                .flatMap(p -> p.getSpec().getEgress().stream())
                                .anyMatch(rule -> rule.getTo().stream()
                                                .anyMatch(peer -> peer.getNamespaceSelector() != null
                                                        && NetworkPolicies.matches(peer.getPodSelector(), dns))
                                        && rule.getPorts().stream()
                                                .anyMatch(p -> p.getPort().getIntVal() == 53)))
                        .as("%s: DNS egress for the test Pod", environment)
                        .isTrue();
            }
            assertThat(policies).as("prod has NetworkPolicies to check against").isNotEmpty();
        }

        @Test
        @DisplayName("and would be blocked without the tests edge into Grafana (negative twin)")
        void blockedWithoutEdge() {
            RenderedRelease release = ReleaseFixtures.freshCurrentRender("prod");
            List<NetworkPolicy> policies = release.all(NetworkPolicy.class);
            NetworkPolicy grafana = release.one(NetworkPolicy.class, "monitoring-grafana-net");
            grafana.getSpec()
                    .getIngress()
                    .removeIf(rule -> rule.getFrom().stream()
                            .anyMatch(peer -> peer.getPodSelector() != null
                                    && "tests"
                                            .equals(peer.getPodSelector()
                                                    .getMatchLabels()
                                                    .get("app.kubernetes.io/name"))));
            Map<String, String> tests = pod("prod").getMetadata().getLabels();
            Map<String, String> grafanaPods = release.one(Deployment.class, "monitoring-grafana")
                    .getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getLabels();
            assertThat(NetworkPolicies.egressAllows(policies, tests, grafanaPods, 3000, "TCP"))
                    .isTrue();
            assertThat(NetworkPolicies.allows(policies, tests, grafanaPods, 3000, "TCP"))
                    .isFalse();
        }
    }

    /** The StatefulSet of a component, whatever its name (ephemeral ones carry a suffix). */
    private static StatefulSet statefulSetOf(RenderedRelease release, String component) {
        return release.all(StatefulSet.class).stream()
                .filter(s -> component.equals(
                        s.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no StatefulSet of " + component));
    }
}
