package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Upgrade compatibility")
class UpgradeCompatibilityTest {

    private static UpgradeReport check(HasMetadata before, HasMetadata after) {
        return UpgradeCompatibility.check(List.of(before), List.of(after));
    }

    private static StatefulSetBuilder statefulSet() {
        return new StatefulSetBuilder()
                .withNewMetadata()
                .withName("db")
                .withNamespace("monitoring")
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withServiceName("db-headless")
                .withNewSelector()
                .withMatchLabels(Map.of("app.kubernetes.io/name", "db"))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of("app.kubernetes.io/name", "db"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("db")
                .withImage("db:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .addNewVolumeClaimTemplate()
                .withNewMetadata()
                .withName("data")
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName("fast")
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity("10Gi")))
                .endResources()
                .endSpec()
                .endVolumeClaimTemplate()
                .endSpec();
    }

    @Nested
    @DisplayName("of a StatefulSet")
    class StatefulSets {

        @Test
        @DisplayName("allows replicas, pod template and update strategy to change")
        void mutable() {
            StatefulSet after = statefulSet()
                    .editSpec()
                    .withReplicas(5)
                    .editTemplate()
                    .editSpec()
                    .editFirstContainer()
                    .withImage("db:2")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .withNewUpdateStrategy()
                    .withType("OnDelete")
                    .endUpdateStrategy()
                    .endSpec()
                    .build();
            assertThat(check(statefulSet().build(), after).compatible()).isTrue();
        }

        @Test
        @DisplayName("reports a changed selector label")
        void selector() {
            StatefulSet after = statefulSet()
                    .editSpec()
                    .editSelector()
                    .withMatchLabels(Map.of("app.kubernetes.io/name", "database"))
                    .endSelector()
                    .endSpec()
                    .build();
            assertThat(check(statefulSet().build(), after).violations())
                    .singleElement()
                    .satisfies(v -> {
                        assertThat(v.object()).isEqualTo("apps/StatefulSet monitoring/db");
                        assertThat(v.field()).isEqualTo("spec.selector.matchLabels.app.kubernetes.io/name");
                        assertThat(v.before()).isEqualTo("db");
                        assertThat(v.after()).isEqualTo("database");
                    });
        }

        @Test
        @DisplayName("reports serviceName, podManagementPolicy and volumeClaimTemplate class, access modes and size")
        void immutableFields() {
            StatefulSet after = statefulSet()
                    .editSpec()
                    .withServiceName("db")
                    .withPodManagementPolicy("Parallel")
                    .editFirstVolumeClaimTemplate()
                    .editSpec()
                    .withStorageClassName("standard")
                    .withAccessModes("ReadWriteMany")
                    .withNewResources()
                    .withRequests(Map.of("storage", new Quantity("20Gi")))
                    .endResources()
                    .endSpec()
                    .endVolumeClaimTemplate()
                    .endSpec()
                    .build();
            assertThat(check(statefulSet().build(), after).violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactlyInAnyOrder(
                            "spec.serviceName",
                            "spec.podManagementPolicy",
                            "spec.volumeClaimTemplates[data].spec.storageClassName",
                            "spec.volumeClaimTemplates[data].spec.accessModes[0]",
                            "spec.volumeClaimTemplates[data].spec.resources.requests.storage");
        }

        @Test
        @DisplayName("treats API server defaults and equal quantities as unchanged")
        void defaults() {
            StatefulSet after = statefulSet()
                    .editSpec()
                    .withPodManagementPolicy("OrderedReady")
                    .editFirstVolumeClaimTemplate()
                    .editSpec()
                    .withVolumeMode("Filesystem")
                    .withNewResources()
                    .withRequests(Map.of("storage", new Quantity("10240Mi")))
                    .endResources()
                    .endSpec()
                    .endVolumeClaimTemplate()
                    .endSpec()
                    .build();
            assertThat(check(statefulSet().build(), after).violations()).isEmpty();
        }

        @Test
        @DisplayName("reports a renamed volumeClaimTemplate as one removed and one added")
        void renamedClaim() {
            StatefulSet after = statefulSet()
                    .editSpec()
                    .editFirstVolumeClaimTemplate()
                    .editMetadata()
                    .withName("storage")
                    .endMetadata()
                    .endVolumeClaimTemplate()
                    .endSpec()
                    .build();
            assertThat(check(statefulSet().build(), after).violations())
                    .extracting(UpgradeReport.Violation::field)
                    .contains("spec.volumeClaimTemplates[data]", "spec.volumeClaimTemplates[storage]");
        }
    }

    @Nested
    @DisplayName("of other kinds")
    class OtherKinds {

        @Test
        @DisplayName("reports a Deployment selector change, not a template change")
        void deployment() {
            DeploymentBuilder before = new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .withMatchLabels(Map.of("app", "web"))
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .withLabels(Map.of("app", "web"))
                    .endMetadata()
                    .endTemplate()
                    .endSpec();
            HasMetadata template = new DeploymentBuilder(before.build())
                    .editSpec()
                    .editTemplate()
                    .editMetadata()
                    .addToLabels("extra", "1")
                    .endMetadata()
                    .endTemplate()
                    .endSpec()
                    .build();
            HasMetadata selector = new DeploymentBuilder(before.build())
                    .editSpec()
                    .editSelector()
                    .addToMatchLabels("extra", "1")
                    .endSelector()
                    .endSpec()
                    .build();
            assertThat(check(before.build(), template).compatible()).isTrue();
            assertThat(check(before.build(), selector).violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactly("spec.selector.matchLabels.extra");
        }

        @Test
        @DisplayName("reports a Service turning from headless to a cluster IP")
        void headless() {
            HasMetadata before = new ServiceBuilder()
                    .withNewMetadata()
                    .withName("db")
                    .endMetadata()
                    .withNewSpec()
                    .withClusterIP("None")
                    .endSpec()
                    .build();
            HasMetadata after = new ServiceBuilder()
                    .withNewMetadata()
                    .withName("db")
                    .endMetadata()
                    .withNewSpec()
                    .endSpec()
                    .build();
            assertThat(check(before, after).violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactly("spec.clusterIP");
            assertThat(check(after, after).compatible()).isTrue();
        }

        @Test
        @DisplayName("reports a shrinking PersistentVolumeClaim, not a growing one")
        void claim() {
            HasMetadata small = pvc("10Gi");
            assertThat(check(small, pvc("20Gi")).compatible()).isTrue();
            assertThat(check(pvc("20Gi"), small).violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactly("spec.resources.requests.storage");
        }

        @Test
        @DisplayName("reports a changed Job template")
        void job() {
            JobBuilder before = new JobBuilder()
                    .withNewMetadata()
                    .withName("migrate")
                    .endMetadata()
                    .withNewSpec()
                    .withNewTemplate()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("m")
                    .withImage("m:1")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec();
            HasMetadata after = new JobBuilder(before.build())
                    .editSpec()
                    .editTemplate()
                    .editSpec()
                    .editFirstContainer()
                    .withImage("m:2")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build();
            assertThat(check(before.build(), after).violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactly("spec.template.spec.containers[m].image");
        }

        @Test
        @DisplayName("reports PriorityClass value, StorageClass parameters and binding roleRef changes")
        void clusterObjects() {
            assertThat(check(
                                    new PriorityClassBuilder()
                                            .withNewMetadata()
                                            .withName("p")
                                            .endMetadata()
                                            .withValue(1000)
                                            .build(),
                                    new PriorityClassBuilder()
                                            .withNewMetadata()
                                            .withName("p")
                                            .endMetadata()
                                            .withValue(2000)
                                            .build())
                            .violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactly("value");
            assertThat(check(
                                    new StorageClassBuilder()
                                            .withNewMetadata()
                                            .withName("s")
                                            .endMetadata()
                                            .withProvisioner("pd.csi.storage.gke.io")
                                            .withParameters(Map.of("type", "pd-ssd"))
                                            .build(),
                                    new StorageClassBuilder()
                                            .withNewMetadata()
                                            .withName("s")
                                            .endMetadata()
                                            .withProvisioner("pd.csi.storage.gke.io")
                                            .withParameters(Map.of("type", "pd-balanced"))
                                            .withAllowVolumeExpansion(true)
                                            .build())
                            .violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactly("parameters.type");
            assertThat(check(
                                    new RoleBindingBuilder()
                                            .withNewMetadata()
                                            .withName("b")
                                            .endMetadata()
                                            .withNewRoleRef()
                                            .withKind("Role")
                                            .withName("r1")
                                            .withApiGroup("rbac.authorization.k8s.io")
                                            .endRoleRef()
                                            .build(),
                                    new RoleBindingBuilder()
                                            .withNewMetadata()
                                            .withName("b")
                                            .endMetadata()
                                            .withNewRoleRef()
                                            .withKind("Role")
                                            .withName("r2")
                                            .withApiGroup("rbac.authorization.k8s.io")
                                            .endRoleRef()
                                            .build())
                            .violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactly("roleRef.name");
        }

        @Test
        @DisplayName("reports changed data of an immutable ConfigMap only")
        void immutableConfigMap() {
            assertThat(check(
                                    new ConfigMapBuilder()
                                            .withNewMetadata()
                                            .withName("c")
                                            .endMetadata()
                                            .withImmutable(true)
                                            .withData(Map.of("k", "1"))
                                            .build(),
                                    new ConfigMapBuilder()
                                            .withNewMetadata()
                                            .withName("c")
                                            .endMetadata()
                                            .withImmutable(true)
                                            .withData(Map.of("k", "2"))
                                            .build())
                            .violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactly("data.k");
            assertThat(check(
                                    new ConfigMapBuilder()
                                            .withNewMetadata()
                                            .withName("c")
                                            .endMetadata()
                                            .withData(Map.of("k", "1"))
                                            .build(),
                                    new ConfigMapBuilder()
                                            .withNewMetadata()
                                            .withName("c")
                                            .endMetadata()
                                            .withData(Map.of("k", "2"))
                                            .build())
                            .compatible())
                    .isTrue();
        }

        @Test
        @DisplayName("reports a CloudNativePG Cluster shrinking or changing its storage class or bootstrap")
        void cnpg() {
            assertThat(check(cluster("20Gi", "fast", "grafana"), cluster("40Gi", "fast", "grafana"))
                            .compatible())
                    .isTrue();
            assertThat(check(cluster("20Gi", "fast", "grafana"), cluster("10Gi", "standard", "grafana2"))
                            .violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactlyInAnyOrder(
                            "spec.storage.size", "spec.storage.storageClass", "spec.bootstrap.initdb.database");
        }

        @Test
        @DisplayName("lists objects added and removed between the renders")
        void addedRemoved() {
            UpgradeReport report = UpgradeCompatibility.check(
                    List.of(pvc("1Gi")), List.of(statefulSet().build()));
            assertThat(report.removed()).containsExactly("/PersistentVolumeClaim data");
            assertThat(report.added()).containsExactly("apps/StatefulSet monitoring/db");
            assertThat(report.compatible()).isTrue();
        }
    }

    private static HasMetadata pvc(String size) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("data")
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity(size)))
                .endResources()
                .endSpec()
                .build();
    }

    private static HasMetadata cluster(String size, String storageClass, String database) {
        GenericKubernetesResource cluster = new GenericKubernetesResource();
        cluster.setApiVersion("postgresql.cnpg.io/v1");
        cluster.setKind("Cluster");
        cluster.setMetadata(new ObjectMetaBuilder()
                .withName("pg")
                .withNamespace("monitoring")
                .build());
        cluster.setAdditionalProperty(
                "spec",
                Map.of(
                        "instances",
                        3,
                        "storage",
                        Map.of("size", size, "storageClass", storageClass),
                        "bootstrap",
                        Map.of("initdb", Map.of("database", database, "owner", "grafana"))));
        return cluster;
    }
}
