package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ProjectPaths")
class ProjectPathsTest {

    @Nested
    @DisplayName("finding the repository root")
    class Root {

        @Test
        @DisplayName("finds this repository from the module directory Surefire runs in")
        void thisRepository() {
            Path root = ProjectPaths.root();

            assertThat(root.resolve("chart-render/pom.xml")).isRegularFile();
            assertThat(root.resolve(".mvn")).isDirectory();
            assertThat(ProjectPaths.umbrellaChart()).isEqualTo(root.resolve("charts/ha-monitoring"));
        }

        @Test
        @DisplayName("walks up to the directory holding charts/ha-monitoring/Chart.yaml")
        void byChart(@TempDir Path temp) throws IOException {
            Files.createDirectories(temp.resolve("charts/ha-monitoring"));
            Files.writeString(temp.resolve("charts/ha-monitoring/Chart.yaml"), "name: ha-monitoring\n");
            Path deep = Files.createDirectories(temp.resolve("chart-tests/src/test"));

            assertThat(ProjectPaths.findRoot(deep))
                    .isEqualTo(temp.toAbsolutePath().normalize());
        }

        @Test
        @DisplayName("walks up to the reactor pom (pom.xml next to .mvn) when the chart is absent")
        void byPom(@TempDir Path temp) throws IOException {
            Files.createDirectories(temp.resolve(".mvn"));
            Files.writeString(temp.resolve("pom.xml"), "<project/>\n");
            Path module = Files.createDirectories(temp.resolve("chart-tests"));
            Files.writeString(module.resolve("pom.xml"), "<project/>\n");

            assertThat(ProjectPaths.findRoot(module))
                    .isEqualTo(temp.toAbsolutePath().normalize());
        }

        @Test
        @DisplayName("fails clearly outside the repository")
        void outside() {
            assertThatThrownBy(() -> ProjectPaths.findRoot(Path.of("/")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Cannot find the ha-monitoring repository root above /")
                    .hasMessageContaining("-Dhamonitoring.root=");
        }
    }

    @Nested
    @DisplayName("environments")
    class Environments {

        @Test
        @DisplayName("lists overlay names sorted, without the extension")
        void names(@TempDir Path temp) throws IOException {
            for (String name : new String[] {"staging.yaml", "dev.yaml", "prod.yaml", "README.md"}) {
                Files.writeString(temp.resolve(name), "");
            }

            assertThat(ProjectPaths.environmentNames(temp)).containsExactly("dev", "prod", "staging");
            assertThat(ProjectPaths.environmentNames(temp.resolve("missing"))).isEmpty();
        }

        @Test
        @DisplayName("refuses an unknown environment, listing the known ones")
        void unknown() {
            assertThatThrownBy(() -> ProjectPaths.environment("no-such-env"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no-such-env.yaml; available: " + ProjectPaths.environments());
        }
    }
}
