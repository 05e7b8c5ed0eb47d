package dev.hamonitoring.analysis;

import static org.assertj.core.api.Assertions.assertThat;

/** Rendered manifests with an invariant broken on purpose, for the analyser's manifest input. */
public final class Manifests {

    private Manifests() {}

    /** {@code Manifests.without(manifest, "PodDisruptionBudget", "monitoring-prometheus")}: the manifest minus that one object's document. */
    public static String without(String manifest, String kind, String name) {
        StringBuilder kept = new StringBuilder();
        int dropped = 0;
        for (String document : manifest.split("(?m)^---\\s*$")) {
            if (document.isBlank()) {
                continue;
            }
            if (document.contains("\nkind: " + kind + "\n") && document.contains("\n  name: " + name + "\n")) {
                dropped++;
                continue;
            }
            kept.append("---").append(document);
        }
        assertThat(dropped).as(kind + "/" + name + " in the manifest").isEqualTo(1);
        return kept.toString();
    }
}
