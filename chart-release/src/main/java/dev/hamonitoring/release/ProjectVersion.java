package dev.hamonitoring.release;

import dev.hamonitoring.render.ProjectPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The one place the version is decided: the {@code revision} property of the root pom.xml
 * (Maven's CI-friendly {@code ${revision}}; every module's version and parent version refer to
 * it). Chart.yaml's {@code version} is a copy Helm needs in the file; {@code VersioningTest} and
 * the package phase ({@link ChartRepositoryBuild}) fail when it differs. The build's
 * {@code project.build.outputTimestamp} (root pom) is the time stamped into the package and
 * index.yaml, so builds are reproducible; bump it with the version.
 *
 * <p>Inside a Maven test run Surefire passes both as system properties
 * ({@value #VERSION_PROPERTY}, {@value #TIMESTAMP_PROPERTY}); elsewhere (an IDE) they are read from
 * the root pom.xml.
 */
public final class ProjectVersion {

    /** System property with the Maven project version, set by chart-tests' Surefire configuration. */
    public static final String VERSION_PROPERTY = "hamonitoring.project.version";
    /** System property with {@code project.build.outputTimestamp}, set by chart-tests' Surefire configuration. */
    public static final String TIMESTAMP_PROPERTY = "hamonitoring.build.timestamp";

    private ProjectVersion() {}

    /** The project version (Maven's {@code project.version}). */
    public static String version() {
        String fromMaven = System.getProperty(VERSION_PROPERTY);
        return fromMaven != null && !fromMaven.isBlank()
                ? fromMaven
                : fromPom(ProjectPaths.root().resolve("pom.xml"));
    }

    /** The build timestamp ({@code project.build.outputTimestamp}). */
    public static Instant buildTimestamp() {
        String fromMaven = System.getProperty(TIMESTAMP_PROPERTY);
        return parseTimestamp(
                fromMaven != null && !fromMaven.isBlank()
                        ? fromMaven
                        : pomProperty(ProjectPaths.root().resolve("pom.xml"), "project.build.outputTimestamp"));
    }

    /** The version the root pom declares: its {@code <revision>} property, or a literal {@code <version>}. */
    public static String fromPom(Path pom) {
        Element project = read(pom).getDocumentElement();
        String version = child(project, "version");
        if (version == null) {
            throw new IllegalStateException(pom + " declares no <version>");
        }
        if (version.equals("${revision}")) {
            return pomProperty(pom, "revision");
        }
        return version;
    }

    /** A property of the pom's {@code <properties>}. */
    public static String pomProperty(Path pom, String name) {
        Element project = read(pom).getDocumentElement();
        for (Node node = project.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals("properties")) {
                String value = child(element, name);
                if (value != null) {
                    return value;
                }
            }
        }
        throw new IllegalStateException(pom + " has no <" + name + "> property");
    }

    /**
     * Parses Maven's {@code project.build.outputTimestamp}: an ISO-8601 instant
     * ({@code 2026-11-21T00:00:00Z}) or seconds since the epoch.
     */
    public static Instant parseTimestamp(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("No build timestamp (project.build.outputTimestamp)");
        }
        String value = text.trim();
        if (value.matches("\\d+")) {
            return Instant.ofEpochSecond(Long.parseLong(value));
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "project.build.outputTimestamp is neither an ISO-8601 instant"
                            + " (2026-11-21T00:00:00Z) nor epoch seconds: " + text,
                    e);
        }
    }

    private static Document read(Path pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(pom.toFile());
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalStateException("Cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    private static String child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().trim();
            }
        }
        return null;
    }
}
