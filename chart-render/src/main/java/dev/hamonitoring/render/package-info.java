/**
 * Rendering the chart in tests, offline and without a helm CLI: {@link dev.hamonitoring.render.HelmRender}
 * ({@code helm template}) returning a {@link dev.hamonitoring.render.RenderedRelease} of fabric8
 * objects, {@link dev.hamonitoring.render.HelmLint} ({@code helm lint}),
 * {@link dev.hamonitoring.render.ProjectPaths} and {@link dev.hamonitoring.render.Snapshots}
 * (update with {@code ./mvnw verify -Dsnapshots.update=true}).
 *
 * <p>It lives in src/main so every later test layer (analysis, cluster, binaries) reuses it.
 *
 * <h2>helm-java 0.0.21 (Helm 3.21 in-process), as checked here offline</h2>
 * <ul>
 *   <li><b>Local subcharts work without {@code helm dependency build}:</b> {@code template()} renders a
 *       chart whose {@code Chart.yaml} declares {@code repository: file://charts/<name>} dependencies
 *       when those subcharts are directories under {@code charts/}. No Chart.lock is needed.</li>
 *   <li><b>kubeVersion:</b> without {@code withKubeVersion(...)} template() assumes Kubernetes
 *       v1.20.0, so a chart with {@code kubeVersion: ">=1.25.0-0"} fails with
 *       {@code chart requires kubeVersion: ... which is incompatible with Kubernetes v1.20.0}.
 *       {@link HelmRender} always passes one ({@link HelmRender#DEFAULT_KUBE_VERSION}); it reaches
 *       {@code .Capabilities.KubeVersion}.</li>
 *   <li><b>Schema:</b> values.schema.json is enforced on every render; violations come back as an
 *       exception whose text names the JSON pointer of the key
 *       ({@code - at '/image': additional properties 'tga' not allowed}). The {@code $schema}
 *       URLs of the standard drafts (draft-07 with http or https, with or without {@code #};
 *       2020-12) cause no network access; any other {@code $schema} URL, and remote
 *       {@code $ref}s, are fetched with an HTTP GET (seen through a local proxy: User-Agent
 *       Helm/3.21) and fail offline. Unknown keywords such as {@code x-optional} are ignored
 *       under draft-07 and 2020-12. Helm validates the umbrella's merged values, which include
 *       every subchart's defaults under the subchart's name, so an umbrella schema with
 *       {@code additionalProperties: false} must declare each subchart key; it does not add a
 *       {@code global} key by itself.</li>
 *   <li><b>template()</b> renders neither hooks, {@code crds/} nor NOTES.txt, has no
 *       {@code --api-versions}, orders documents by Helm's install order (kind first), and
 *       prefixes each with {@code # Source: <chart>/templates/<file>}.</li>
 *   <li><b>set(key, value)</b> is one {@code --set key=value}: values are typed like --set
 *       ({@code true} becomes a boolean, {@code null} a null, {@code 007} stays a string), but
 *       commas are not separators, {@code {a,b}} is not a list and backslashes stay literal. Lists
 *       and maps need a values file.</li>
 *   <li><b>Values files</b> are passed to Go as one comma-separated string, so a path containing a
 *       comma cannot be used ({@link HelmRender} refuses it).</li>
 *   <li><b>lint()</b> takes only a chart path, strict and quiet: no values files, no namespace,
 *       no kube version (it lints with the chart's values.yaml against Kubernetes v1.20.0, so
 *       Chart.yaml {@code kubeVersion} is not checked and API deprecations are judged for
 *       v1.20). Helm's lint mode turns {@code fail} and {@code required} into log lines, not
 *       errors. {@link HelmLint} adds values files by linting a temporary copy of the chart.</li>
 *   <li><b>{@code lookup}</b> makes template() dial a cluster (with KUBECONFIG=/dev/null:
 *       localhost:8080, connection refused) and fail; charts rendered here must not call it.
 *       chart-tests' Surefire sets KUBECONFIG=/dev/null so a developer's cluster is never reached.</li>
 *   <li><b>Numbers from values are float64 in templates:</b> {@code value: {{ .Values.x }}} with
 *       x = 1000000 renders {@code 1e+06}, which Kubernetes refuses for an integer field; pipe
 *       such values through {@code int}. {@link RenderedRelease} catches it: fabric8 refuses
 *       to decode the document and the render fails naming the template.</li>
 *   <li><b>Offline is proven, not assumed:</b> chart-tests' Surefire points HTTP_PROXY/HTTPS_PROXY
 *       at a loopback port where {@code OfflineRenderTest} listens; renders must send it nothing,
 *       and an unknown {@code $schema} URL (the positive control) must reach it.</li>
 *   <li><b>Decoding is YAML 1.2</b> (fabric8 uses snakeyaml-engine) while Kubernetes reads YAML 1.1:
 *       an unquoted {@code on}/{@code yes} is a string here but a boolean for kubectl. Quote strings
 *       in templates ({@code | quote}) and the two agree.</li>
 *   <li>The first call in a JVM extracts a ~98 MB native library to a temporary directory
 *       (about a second); later calls take tens of milliseconds for a small chart. The library
 *       is process-global Go code, so calls are serialized on one lock to be safe.</li>
 * </ul>
 */
package dev.hamonitoring.render;
