/**
 * The binary test layer's "what to run": rendered chart objects turned into processes on this
 * machine, with exactly the rendered flags and configuration files, changing only addresses,
 * ports and paths (and, explicitly and listed, test-speed timings).
 *
 * <ul>
 *   <li>{@link dev.hamonitoring.binaries.Binaries}: the binaries {@code ci/build-binaries.sh} builds, and
 *       the check that each image's tag is the built version;</li>
 *   <li>{@link dev.hamonitoring.binaries.LoopbackNetwork}: declared pods, rendered Services and a DNS
 *       that answers the chart's names with loopback ports;
 *       {@link dev.hamonitoring.binaries.LoopbackPod}: one pod, its port map and its volumes as
 *       directories (ConfigMaps and Secrets written out, claim templates kept across restarts);</li>
 *   <li>{@link dev.hamonitoring.binaries.LoopbackRewrite} with {@link dev.hamonitoring.binaries.FlagTable}:
 *       a container to a {@link dev.hamonitoring.binaries.RenderedProcess}; flags nobody classified fail;</li>
 *   <li>{@link dev.hamonitoring.binaries.PrometheusConfigRewrite},
 *       {@link dev.hamonitoring.binaries.AlertmanagerConfigRewrite},
 *       {@link dev.hamonitoring.binaries.ObjstoreConfigRewrite}: the configuration files, each change
 *       recorded as a {@link dev.hamonitoring.binaries.Rewrite} with its YAML path so tests prove
 *       nothing else changed ({@link dev.hamonitoring.binaries.ConfigRewrite#unaccountedDifferences()}).</li>
 * </ul>
 *
 * <p>Starting, waiting, killing and restarting the processes lives with the tests
 * ({@code dev.hamonitoring.binaries.Stack} under src/test), which use Awaitility.
 */
package dev.hamonitoring.binaries;
