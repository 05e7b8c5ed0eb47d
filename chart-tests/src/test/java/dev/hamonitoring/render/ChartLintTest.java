package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("helm lint --strict")
class ChartLintTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "staging", "prod"})
    @DisplayName("finds nothing to complain about in each overlay")
    void clean(String environment) {
        LintReport report = HelmLint.chart(ProjectPaths.umbrellaChart())
                .strict(true)
                .valuesFile(ProjectPaths.environment(environment))
                .run();
        assertThat(report.failed()).as(report.toString()).isFalse();
        assertThat(report.errors()).as(report.toString()).isEmpty();
        assertThat(report.warnings()).as(report.toString()).isEmpty();
    }
}
