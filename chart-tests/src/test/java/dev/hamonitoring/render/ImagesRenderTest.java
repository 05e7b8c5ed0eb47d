package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Images")
class ImagesRenderTest {

    private static List<String> images(RenderedRelease release) {
        List<String> images = new ArrayList<>();
        for (HasMetadata workload : Releases.workloads(release)) {
            for (Container container : Releases.podSpec(workload).getContainers()) {
                images.add(container.getImage());
            }
        }
        for (HasMetadata object : release.ofKind("Cluster")) {
            Map<String, Object> spec = ((GenericKubernetesResource) object).get("spec");
            images.add(String.valueOf(spec.get("imageName")));
        }
        return images;
    }

    @Test
    @DisplayName("come from the upstream registries, pinned to a version tag")
    void pinnedUpstream() {
        List<String> images = images(Releases.overlay("prod"));
        assertThat(images).isNotEmpty().allSatisfy(image -> {
            assertThat(image)
                    .matches("(quay\\.io|docker\\.io|ghcr\\.io|registry\\.k8s\\.io)/[a-z0-9./-]+:[A-Za-z0-9._-]+");
            assertThat(image).doesNotEndWith(":latest");
        });
        assertThat(images).contains("quay.io/prometheus/prometheus:v3.9.1", "quay.io/prometheus/alertmanager:v0.31.1");
    }

    @Test
    @DisplayName(
            "are the versions of the Prometheus, Alertmanager, Thanos, node-exporter and kube-state-metrics binaries the tests build and run")
    void sameVersionsAsTestedBinaries() throws IOException {
        Properties versions = new Properties();
        try (var in = Files.newBufferedReader(ProjectPaths.root().resolve("ci/binaries/versions.properties"))) {
            versions.load(in);
        }
        List<String> images = images(Releases.overlay("prod"));
        assertThat(images)
                .contains("quay.io/prometheus/prometheus:" + versions.getProperty("prometheus"))
                .contains("quay.io/prometheus/alertmanager:" + versions.getProperty("alertmanager"))
                .contains("quay.io/thanos/thanos:" + versions.getProperty("thanos"))
                .contains("quay.io/prometheus/node-exporter:" + versions.getProperty("node-exporter"))
                .contains("registry.k8s.io/kube-state-metrics/kube-state-metrics:"
                        + versions.getProperty("kube-state-metrics"));
    }

    @Test
    @DisplayName("all move to a mirror with the one global registry override")
    void mirror() {
        List<String> images = images(Releases.render("prod")
                .set("global.imageRegistry", "mirror.example.com")
                .render());
        assertThat(images).isNotEmpty().allSatisfy(image -> assertThat(image).startsWith("mirror.example.com/"));
    }

    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @Test
    @DisplayName("a digest pins the image by content: repo@sha256:..., the tag no longer counts")
    void digest() {
        List<String> images = images(Releases.render("prod")
                .set("prometheus.image.digest", DIGEST)
                .set("postgresql.image.digest", DIGEST)
                .render());
        assertThat(images)
                .contains("quay.io/prometheus/prometheus@" + DIGEST, "ghcr.io/cloudnative-pg/postgresql@" + DIGEST)
                .doesNotContain("quay.io/prometheus/prometheus:v3.9.1")
                // the sidecar is its own image, untouched
                .contains("quay.io/thanos/thanos:v0.42.4");
    }

    @Test
    @DisplayName("a digest goes through the registry override, and needs no tag")
    void digestOnMirror() {
        List<String> images = images(Releases.render("prod")
                .set("global.imageRegistry", "mirror.example.com")
                .set("redis.haproxy.image.tag", "")
                .set("redis.haproxy.image.digest", DIGEST)
                .render());
        assertThat(images)
                .contains("mirror.example.com/library/haproxy@" + DIGEST)
                .noneMatch(image -> image.startsWith("docker.io/"));
    }

    @Test
    @DisplayName("without a digest the tag is used (the twin of the digest cases)")
    void tagWithoutDigest() {
        assertThat(images(Releases.overlay("prod")))
                .contains("docker.io/library/haproxy:3.0.5")
                .noneMatch(image -> image.contains("@"));
    }
}
