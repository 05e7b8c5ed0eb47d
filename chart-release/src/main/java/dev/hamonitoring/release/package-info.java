/**
 * Packaging and delivery: how users consume the chart.
 *
 * <ul>
 *   <li>{@link dev.hamonitoring.release.ChartPackager} / {@link dev.hamonitoring.release.ChartRepository}:
 *       the package phase ({@link dev.hamonitoring.release.ChartRepositoryBuild}) writes
 *       {@code chart-release/target/chart-repo/} = {@code index.yaml} + a reproducible
 *       {@code ha-monitoring-<version>.tgz};</li>
 *   <li>{@link dev.hamonitoring.release.ProjectVersion}: the version has one source, the root pom's
 *       {@code revision}; {@code project.build.outputTimestamp} stamps the package and the index;</li>
 *   <li>{@link dev.hamonitoring.release.TemplatesWithHooks}: {@code helm template} with hooks (the
 *       render API itself, for directories, packages and repositories, is chart-render's
 *       {@code HelmRender});</li>
 *   <li>{@link dev.hamonitoring.release.ArgoCdApplication}: the Applications of {@code ci/argocd/}
 *       and how Argo CD renders them; {@link dev.hamonitoring.release.SyncWaves}: wave ordering;</li>
 *   <li>{@link dev.hamonitoring.release.UpgradeCompatibility}: immutable-field changes between two
 *       renders (reusable by the cluster layer around a real {@code helm upgrade});</li>
 *   <li>{@link dev.hamonitoring.release.ChartReadme}: the chart README's generated values reference.</li>
 * </ul>
 *
 * <h2>helm-java 0.0.21, as checked here</h2>
 * <ul>
 *   <li><b>Package:</b> {@code new Helm(chartDir).packageIt().withDestination(dir).call()} is Helm's
 *       {@code action.Package}: honours .helmignore, refuses a chart whose declared dependencies are
 *       missing from {@code charts/}, re-serializes Chart.yaml (comments dropped), writes
 *       {@code <name>-<version>.tgz} (ustar, gzip header with Helm's extra field and comment).
 *       No {@code --version}/{@code --app-version}/{@code --dependency-update} options. Not
 *       reproducible: every entry has the packaging time, and subcharts come out in a random order
 *       (Go map iteration), so sizes and digests change per run; {@link dev.hamonitoring.release.ChartPackager}
 *       normalizes both and keeps the contents.</li>
 *   <li><b>No index:</b> there is no {@code helm repo index};
 *       {@link dev.hamonitoring.release.ChartRepositoryIndex} writes it.</li>
 *   <li><b>Repositories:</b> {@code Helm.repo().add().withName().withUrl().withRepositoryConfig(file)}
 *       downloads {@code index.yaml} into Helm's repository cache, which only the environment
 *       chooses ({@code HELM_CACHE_HOME}; chart-tests' Surefire points it into {@code target/}).
 *       {@code Helm.template("repo/chart").withVersion(v).withRepositoryConfig(file)} then downloads
 *       the package by the index URL (resolved against the repository URL) into that cache; there
 *       is no {@code --repo URL} option. Helm does not check the index {@code digest} on download.
 *       Loopback URLs bypass the proxy trap through {@code NO_PROXY}.</li>
 *   <li><b>Hooks:</b> {@code template()} returns only the release manifest (no hooks, no NOTES);
 *       {@code install().dryRun().withDryRunOption(DryRun.CLIENT).clientOnly()} works offline from a
 *       repository but returns only the status report (chart, app version, status
 *       {@code pending-install}) and the rendered NOTES, never the manifest or hooks; hooks are
 *       rendered by {@link dev.hamonitoring.release.TemplatesWithHooks}.</li>
 *   <li>{@code template()} accepts a {@code .tgz} path as chart and renders it exactly like the
 *       unpacked directory.</li>
 * </ul>
 */
package dev.hamonitoring.release;
