package dev.hamonitoring.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Release;
import dev.hamonitoring.release.ChartRepository;
import dev.hamonitoring.release.ProjectVersion;
import dev.hamonitoring.release.ReleaseFixtures;
import dev.hamonitoring.release.ServedRepository;
import dev.hamonitoring.render.ChartArchive;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade the way users run one: a chart repository holding the last released package (the
 * fixture under release/previous/) and this build's, served over loopback HTTP and added with
 * {@code helm repo add}; the previous version installed from it with the prod overlay shipped in
 * that package, then {@code helm upgrade --version <this>} with the prod overlay shipped in this
 * one. The upgrade runs against a real API server, which refuses any immutable-field change
 * (StatefulSet selectors and volumeClaimTemplates, Service clusterIP, Deployment selectors) the
 * static comparison of {@code UpgradeCompatibility} might miss.
 *
 * <p>This class runs on a control plane of its own, closed at the end: an upgrade that goes
 * wrong on purpose (the last test) and a rollout of two chart versions leave cluster-scoped
 * objects, released volumes and terminating pods that the classes sharing
 * {@link ClusterExtension#controlPlane()} must never see.
 */
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName(
        "The previous release, installed from the chart repository and upgraded in place to this one with the prod overlay")
class PreviousReleaseUpgradeIT {

    private static final String RELEASE = "prev";
    private static final String NAMESPACE = "monitoring-prev";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private static ControlPlane plane;
    private static StackUnderTest stack;
    private static ServedRepository served;
    private static ChartArchive previous;
    private static HelmRelease previousRelease;
    private static HelmRelease currentRelease;
    private static List<Path> previousValues;
    private static List<Path> currentValues;
    private static Map<String, String> uidsBeforeUpgrade;
    private static Map<String, Long> generationsBeforeUpgrade;
    private static Map<String, String> claimsBeforeUpgrade;
    private static Map<String, Quantity> previousQuota;

    @BeforeAll
    static void setUp(@TempDir Path temp) {
        Path previousPackage = ReleaseFixtures.previousPackageFile();
        previous = ChartArchive.read(previousPackage);
        ChartRepository repository = ReleaseFixtures.repositoryWithPrevious(temp.resolve("repository"));
        served = ServedRepository.serve(repository.directory());

        previousValues = List.of(
                previous.extractFile("environments/prod.yaml", temp.resolve("previous")), StackUnderTest.testProfile());
        currentValues = List.of(
                repository.archive().extractFile("environments/prod.yaml", temp.resolve("current")),
                StackUnderTest.testProfile());

        plane = ControlPlane.start();
        stack = StackUnderTest.of(plane, RELEASE, NAMESPACE);
        previousRelease = HelmRelease.fromRepository(
                plane.kubeconfig(),
                served.repositoryConfig(),
                served.chart("ha-monitoring"),
                previous.version(),
                RELEASE,
                NAMESPACE);
        currentRelease = HelmRelease.fromRepository(
                plane.kubeconfig(),
                served.repositoryConfig(),
                served.chart("ha-monitoring"),
                ProjectVersion.version(),
                RELEASE,
                NAMESPACE);
        plane.topology(ClusterTopology.standard()
                .monitoringPool()
                .volumes(LocalVolumes.forRelease(stack.render(currentValues))));
        stack.prepare();
    }

    @AfterAll
    static void tearDown() {
        if (served != null) {
            served.close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName(
            "the previous version installs from the repository with the prod overlay shipped inside it, and every pod becomes Ready")
    void previousInstalls() {
        assertThat(previous.version())
                .as("the fixture is an older version than this build")
                .isNotEqualTo(ProjectVersion.version());
        long start = System.nanoTime();
        Release release = previousRelease.install(previousValues);
        assertThat(release.getStatus()).isEqualTo("deployed");
        assertThat(release.getChart()).isEqualTo("ha-monitoring-" + previous.version());
        assertThat(served.requests())
                .as("the chart came from the repository")
                .contains("GET /ha-monitoring-" + previous.version() + ".tgz");
        stack.workloads.awaitAllReady(READY_TIMEOUT);
        ClusterReport.number(
                "previous release (" + release.getChart() + ") prod install from the repository until every pod Ready",
                StackUnderTest.seconds((System.nanoTime() - start) / 1e9));
        previousQuota = quotaHard();
        uidsBeforeUpgrade = perWorkload(ObjectMeta::getUid);
        generationsBeforeUpgrade = perWorkload(ObjectMeta::getGeneration);
        claimsBeforeUpgrade = claimVolumes();
        assertThat(claimsBeforeUpgrade)
                .as("the previous release's claims are bound")
                .isNotEmpty()
                .allSatisfy((claim, volume) -> assertThat(volume).as(claim).isNotEmpty());
    }

    @Test
    @Order(2)
    @DisplayName(
            "helm upgrade to this version succeeds without an immutable-field error, and every rollout finishes with every pod Ready")
    void upgradesInPlace() {
        long start = System.nanoTime();
        Release release = currentRelease.upgrade(currentValues);
        assertThat(release.getStatus()).isEqualTo("deployed");
        assertThat(release.getRevision()).isEqualTo("2");
        assertThat(release.getChart()).isEqualTo("ha-monitoring-" + ProjectVersion.version());
        assertThat(served.requests())
                .as("the chart came from the repository")
                .contains("GET /ha-monitoring-" + ProjectVersion.version() + ".tgz");
        stack.workloads.awaitRolledOut(READY_TIMEOUT);
        // Quota admission checks status.hard, which the quota controller copies from the new
        // spec a moment after helm has updated it: until then the previous release's limits are in
        // force. Refusals by those limits are reported (the rollout above finished regardless);
        // a refusal by this chart's limits, or any other refusal, fails the test.
        Map<String, Quantity> currentQuota = quotaHard();
        assertThat(currentQuota)
                .as("this chart's quota differs from the previous release's")
                .isNotEqualTo(previousQuota);
        List<String> refusals = stack.refusals();
        List<String> byPreviousQuota = refusals.stream()
                .filter(r -> limitedOnlyBy(r, previousQuota, currentQuota))
                .collect(Collectors.toList());
        assertThat(refusals)
                .as("pods refused during the rollout, other than by the previous release's quota limits")
                .containsExactlyElementsOf(byPreviousQuota);
        ClusterReport.number(
                "previous -> current: pod creations refused by the previous release's quota before the new limits applied (retried)",
                Integer.toString(byPreviousQuota.size()));
        ClusterReport.number(
                "previous -> current prod upgrade until every rollout finished and every pod Ready",
                StackUnderTest.seconds((System.nanoTime() - start) / 1e9));
        Map<String, Long> generationsAfter = perWorkload(ObjectMeta::getGeneration);
        long changed = generationsBeforeUpgrade.entrySet().stream()
                .filter(e -> !e.getValue().equals(generationsAfter.get(e.getKey())))
                .count();
        ClusterReport.number(
                "previous -> current: workloads whose spec changed (rolled out)",
                changed + " of " + generationsBeforeUpgrade.size());
    }

    @Test
    @Order(3)
    @DisplayName("the upgrade kept every StatefulSet and Deployment (same UID) and every claim on its volume")
    void keptWorkloadsAndData() {
        assertThat(perWorkload(ObjectMeta::getUid))
                .as("no workload deleted and recreated")
                .containsAllEntriesOf(uidsBeforeUpgrade);
        assertThat(claimVolumes())
                .as("every claim still bound to the same volume")
                .containsAllEntriesOf(claimsBeforeUpgrade);
    }

    @Test
    @Order(4)
    @DisplayName(
            "the same upgrade is refused when it changes a StatefulSet's volumeClaimTemplates (this test can fail)")
    void refusesImmutableChange(@TempDir Path temp) throws IOException {
        // A size change lands in Alertmanager's volumeClaimTemplates, which the apiserver will not
        // update in place: the negative twin of upgradesInPlace.
        Path resize = Files.writeString(temp.resolve("resize.yaml"), "alertmanager:\n  persistence:\n    size: 11Gi\n");
        List<Path> values =
                Stream.concat(currentValues.stream(), Stream.of(resize)).collect(Collectors.toList());
        assertThatThrownBy(() -> currentRelease.upgrade(values))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kind StatefulSet")
                .hasMessageContaining("alertmanager")
                .hasMessageContaining("updates to statefulset spec for fields other than");
    }

    /** "Kind/name" to one metadata field (UID, generation) of every StatefulSet and Deployment of the release. */
    private static <T> Map<String, T> perWorkload(Function<ObjectMeta, T> field) {
        Map<String, T> values = new TreeMap<>();
        stack.client
                .apps()
                .statefulSets()
                .inNamespace(NAMESPACE)
                .list()
                .getItems()
                .forEach(o -> values.put("StatefulSet/" + o.getMetadata().getName(), field.apply(o.getMetadata())));
        stack.client
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .list()
                .getItems()
                .forEach(o -> values.put("Deployment/" + o.getMetadata().getName(), field.apply(o.getMetadata())));
        return values;
    }

    /** spec.hard of the release's ResourceQuota. */
    private static Map<String, Quantity> quotaHard() {
        List<ResourceQuota> quotas =
                stack.client.resourceQuotas().inNamespace(NAMESPACE).list().getItems();
        assertThat(quotas).as("the release's ResourceQuota").hasSize(1);
        return new TreeMap<>(quotas.get(0).getSpec().getHard());
    }

    /** Whether a refusal names only limits of the previous quota that this chart's quota has raised. */
    private static boolean limitedOnlyBy(
            String refusal, Map<String, Quantity> previous, Map<String, Quantity> current) {
        Map<String, Quantity> limits = StackUnderTest.quotaLimits(refusal);
        return !limits.isEmpty()
                && limits.entrySet().stream()
                        .allMatch(e -> amount(e.getValue()).equals(amount(previous.get(e.getKey())))
                                && amount(e.getValue()).compareTo(amount(current.get(e.getKey()))) < 0);
    }

    private static BigDecimal amount(Quantity quantity) {
        return quantity == null
                ? BigDecimal.ZERO
                : Quantity.getAmountInBytes(quantity).stripTrailingZeros();
    }

    /** Claim name to the name of the volume it is bound to ("" while unbound). */
    private static Map<String, String> claimVolumes() {
        Map<String, String> claims = new TreeMap<>();
        for (PersistentVolumeClaim claim : stack.client
                .persistentVolumeClaims()
                .inNamespace(NAMESPACE)
                .list()
                .getItems()) {
            String volume = claim.getSpec().getVolumeName();
            claims.put(claim.getMetadata().getName(), volume == null ? "" : volume);
        }
        return claims;
    }
}
