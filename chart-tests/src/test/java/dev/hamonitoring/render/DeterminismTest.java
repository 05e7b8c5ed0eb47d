package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Argo CD renders client-side and compares: any difference between two renders is a permanent diff. */
@DisplayName("Determinism")
class DeterminismTest {

    /** Template functions whose result changes between renders or needs a cluster. */
    static final Pattern FORBIDDEN = Pattern.compile(
            "\\{\\{[^}]*?\\b(lookup|randAlphaNum|randAlpha|randNumeric|randAscii|randBytes|randInt|genCA|genCAWithKey|genPrivateKey|genSelfSignedCert|genSelfSignedCertWithKey|genSignedCert|genSignedCertWithKey|derivePassword|uuidv4|now|htpasswd)\\b");

    /** Every forbidden call in the chart's templates, as "file:line: text". */
    static List<String> forbiddenCalls(Path chart) throws IOException {
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(chart)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")
                            || p.toString().endsWith(".tpl")
                            || p.toString().endsWith(".txt"))
                    .toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher matcher = FORBIDDEN.matcher(lines.get(i));
                    if (matcher.find()) {
                        hits.add(chart.relativize(file) + ":" + (i + 1) + ": " + matcher.group(1));
                    }
                }
            }
        }
        return hits;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "staging", "prod"})
    @DisplayName("rendering an overlay twice gives identical bytes")
    void identicalBytes(String environment) {
        String first = Releases.render(environment).render().manifest();
        String second = Releases.render(environment).render().manifest();
        assertThat(second).isEqualTo(first);
    }

    @Nested
    @DisplayName("forbidden template functions")
    class Forbidden {

        @Test
        @DisplayName("appear nowhere in the chart or its subcharts")
        void noneInChart() throws IOException {
            assertThat(forbiddenCalls(ProjectPaths.umbrellaChart())).isEmpty();
        }

        @Test
        @DisplayName("are found when a template uses one")
        void detected(@TempDir Path dir) throws IOException {
            Files.writeString(
                    dir.resolve("secret.yaml"),
                    "password: {{ randAlphaNum 16 }}\nnoise: {{ .Values.x }}\nwhen: {{ now | date \"2006\" }}\n");
            assertThat(forbiddenCalls(dir)).containsExactly("secret.yaml:1: randAlphaNum", "secret.yaml:3: now");
        }
    }
}
