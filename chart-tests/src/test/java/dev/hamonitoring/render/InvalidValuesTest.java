package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus under chart-tests/src/test/resources/invalid-values: each file, applied on top of
 * the prod overlay, must make rendering fail with a message that names the offending key (the
 * file's first line: "# expect: <text>").
 */
@DisplayName("Invalid values")
class InvalidValuesTest {

    static Path corpus() {
        return ProjectPaths.root().resolve("chart-tests/src/test/resources/invalid-values");
    }

    static List<Path> cases() throws IOException {
        try (Stream<Path> files = Files.list(corpus())) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static String expectation(Path file) throws IOException {
        String first = Files.readAllLines(file).get(0);
        assertThat(first).as(file + " must start with '# expect: <text>'").startsWith("# expect: ");
        return first.substring("# expect: ".length()).strip();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @DisplayName("is refused with a message naming the key")
    void refused(Path file) throws IOException {
        String expected = expectation(file);
        assertThat(expected).isNotBlank();
        assertThatThrownBy(() -> Releases.render("prod").valuesFile(file).render())
                .isInstanceOf(ChartRenderException.class)
                .hasMessageContaining(expected);
    }

    @Test
    @DisplayName("holds at least 25 cases")
    void bigEnough() throws IOException {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(25);
    }
}
