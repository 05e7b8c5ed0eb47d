package dev.hamonitoring.release;

import com.marcnuri.helm.Helm;
import dev.hamonitoring.render.HelmJava;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A chart repository folder served over loopback HTTP and added with {@code helm repo add} under
 * a name of its own, into a repositories file of its own: how a user's Helm sees a published
 * repository.
 *
 * <pre>{@code
 * try (ServedRepository repository = ServedRepository.serve(folder)) {
 *     Helm.install(repository.chart("ha-monitoring")).withRepositoryConfig(repository.repositoryConfig())...
 * }
 * }</pre>
 */
public final class ServedRepository implements AutoCloseable {

    private final StaticServer server;
    private final String name;
    private final Path repositoryConfig;

    private ServedRepository(StaticServer server, String name, Path repositoryConfig) {
        this.server = server;
        this.name = name;
        this.repositoryConfig = repositoryConfig;
    }

    /** Serves {@code directory} and adds it with helm repo add. */
    public static ServedRepository serve(Path directory) {
        StaticServer server = StaticServer.serve(directory);
        try {
            String name = "hamon-" + UUID.randomUUID().toString().substring(0, 8);
            Path repositoryConfig = ReleaseFixtures.newDirectory("helm-config").resolve("repositories.yaml");
            HelmJava.call(() -> Helm.repo()
                    .add()
                    .withName(name)
                    .withUrl(server.uri())
                    .withRepositoryConfig(repositoryConfig)
                    .call());
            return new ServedRepository(server, name, repositoryConfig);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The reference Helm resolves through this repository: {@code <name>/<chart>}. */
    public String chart(String chart) {
        return name + "/" + chart;
    }

    /** The repositories file helm repo add wrote. */
    public Path repositoryConfig() {
        return repositoryConfig;
    }

    /** "GET /index.yaml", ... in arrival order. */
    public List<String> requests() {
        return server.requests();
    }

    @Override
    public void close() {
        server.close();
    }
}
