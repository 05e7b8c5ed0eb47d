package dev.hamonitoring.release;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SemVer 2 version as Helm requires for chart versions ({@code 1.2.3}, {@code 1.2.3-rc.1},
 * build metadata ignored for ordering). Pre-release identifiers compare per SemVer.
 */
public record SemanticVersion(int major, int minor, int patch, String preRelease)
        implements Comparable<SemanticVersion> {

    private static final Pattern SEMVER = Pattern.compile(
            "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

    /**
     * Parses {@code 1.2.3[-pre][+build]}.
     *
     * @throws IllegalArgumentException when it is not a SemVer 2 version
     */
    public static SemanticVersion parse(String text) {
        Matcher m = SEMVER.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a semantic version (MAJOR.MINOR.PATCH[-PRERELEASE]): " + text);
        }
        return new SemanticVersion(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                m.group(4) == null ? "" : m.group(4));
    }

    /** Whether it carries a pre-release part ({@code -rc.1}): Artifact Hub's {@code prerelease}. */
    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    @Override
    public int compareTo(SemanticVersion other) {
        int c = Integer.compare(major, other.major);
        if (c == 0) {
            c = Integer.compare(minor, other.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, other.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || other.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), other.preRelease.isEmpty());
        }
        String[] a = preRelease.split("\\.");
        String[] b = other.preRelease.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean aNumeric = a[i].matches("\\d+");
            boolean bNumeric = b[i].matches("\\d+");
            int d;
            if (aNumeric && bNumeric) {
                d = Long.compare(Long.parseLong(a[i]), Long.parseLong(b[i]));
            } else if (aNumeric != bNumeric) {
                d = aNumeric ? -1 : 1;
            } else {
                d = a[i].compareTo(b[i]);
            }
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease);
    }
}
