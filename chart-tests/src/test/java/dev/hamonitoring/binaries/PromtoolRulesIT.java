package dev.hamonitoring.binaries;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamonitoring.render.ChartRules;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code promtool test rules} (the pinned Prometheus' own) on the rules file the prod overlay
 * renders, with the unit tests of chart-tests/src/test/resources/rules: firing and not-firing
 * cases for every alert (PrometheusRulesTest fails the build when one is missing).
 */
@DisplayName("promtool test rules on the rendered rules")
class PromtoolRulesIT {

    private static final Path WORK = ProjectPaths.root().resolve("chart-tests/target/binaries/promtool-rules");

    @Test
    @DisplayName("every test file passes on the prod render, and promtool check rules accepts the file")
    void prodPasses() throws Exception {
        RenderedRelease prod = HelmRender.chart(ProjectPaths.umbrellaChart())
                .valuesFile(ProjectPaths.environment("prod"))
                .render();
        Path dir = prepare("prod", ChartRules.rulesFile(prod));
        Result check = promtool(dir, "check", "rules", ChartRules.FILE);
        assertThat(check.exitCode()).as(check.output()).isZero();
        int rules = ChartRules.rules(ChartRules.rulesFile(prod)).size();
        assertThat(check.output()).contains("SUCCESS: " + rules + " rules found");

        List<String> files = testFileNames();
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        args.addAll(files);
        Result test = promtool(dir, args.toArray(String[]::new));
        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(Pattern.compile("SUCCESS").matcher(test.output()).results().count())
                .as(test.output())
                .isEqualTo(files.size());
        ChartRules.Coverage coverage = ChartRules.coverage(ChartRules.testFiles());
        int cases = coverage.alertCases().values().stream()
                .mapToInt(c -> c[0] + c[1])
                .sum();
        Summary.line(
                "promtool test rules",
                String.format(
                        "%d rules (%d alerts, %d recording) in %d groups; %d test files, %d alert cases"
                                + " (%d firing, %d not firing), %d expression tests: all pass",
                        rules,
                        ChartRules.alerts(ChartRules.rulesFile(prod)).size(),
                        ChartRules.records(ChartRules.rulesFile(prod)).size(),
                        ChartRules.groups(ChartRules.rulesFile(prod)).size(),
                        files.size(),
                        cases,
                        coverage.alertCases().values().stream()
                                .mapToInt(c -> c[0])
                                .sum(),
                        coverage.alertCases().values().stream()
                                .mapToInt(c -> c[1])
                                .sum(),
                        coverage.recordsTested().size()));
    }

    @Test
    @DisplayName(
            "negative twin: with thresholds raised through values, the cases that depended on them fail, naming the alerts")
    void tunedThresholdsFail() throws Exception {
        RenderedRelease tuned = HelmRender.chart(ProjectPaths.umbrellaChart())
                .valuesFile(ProjectPaths.environment("prod"))
                .valuesFile(ProjectPaths.root()
                        .resolve("chart-tests/src/test/resources/values/rules-raised-thresholds.yaml"))
                .render();
        Path dir = prepare("tuned", ChartRules.rulesFile(tuned));
        Result test = promtool(dir, "test", "rules", "thanos.test.yaml", "redis.test.yaml");
        assertThat(test.exitCode()).as(test.output()).isNotZero();
        // queryErrorRatio 0.2: the frontend's 10% of errors no longer fires; 6h upload age: neither sidecar fires at
        // 6h.
        assertThat(test.output())
                .contains("alertname: ThanosQueryHttpErrors")
                .contains("alertname: ThanosSidecarNotUploading");
        // The redis group is switched off in these values: its firing cases fail too.
        assertThat(test.output()).contains("alertname: RedisNoMaster").contains("alertname: RedisMultipleMasters");
        Matcher failed = Pattern.compile("alertname: (\\w+)").matcher(test.output());
        List<String> names = new ArrayList<>();
        while (failed.find()) {
            names.add(failed.group(1));
        }
        assertThat(names)
                .allMatch(n -> List.of(
                                "ThanosQueryHttpErrors",
                                "ThanosSidecarNotUploading",
                                "RedisNoMaster",
                                "RedisMultipleMasters")
                        .contains(n));
        Summary.line(
                "promtool test rules, tuned values",
                "fails as expected for " + names.stream().distinct().toList());
    }

    private static List<String> testFileNames() {
        return ChartRules.testFiles().stream()
                .map(p -> p.getFileName().toString())
                .toList();
    }

    /** A directory holding the rendered rules file next to copies of every test file (they name it relatively). */
    private static Path prepare(String name, String rules) throws IOException {
        Path dir = WORK.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ChartRules.FILE), rules, StandardCharsets.UTF_8);
        for (Path file : ChartRules.testFiles()) {
            Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    private record Result(int exitCode, String output) {}

    private static Result promtool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Binaries.path("promtool").toString());
        command.addAll(List.of(args));
        Path log = dir.resolve("promtool-" + args[0] + ".log");
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 5 minutes");
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
