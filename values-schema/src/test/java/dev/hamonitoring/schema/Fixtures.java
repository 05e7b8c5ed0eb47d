package dev.hamonitoring.schema;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test fixtures live under values-schema/src/test/resources. */
final class Fixtures {

    private Fixtures() {}

    static Path path(String resource) {
        URL url = Fixtures.class.getResource("/" + resource);
        if (url == null) {
            throw new IllegalArgumentException("No test resource " + resource);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path schema(String name) {
        return path("schemas/" + name + ".schema.yaml");
    }

    static Path values(String name) {
        return path("values/" + name + ".yaml");
    }
}
