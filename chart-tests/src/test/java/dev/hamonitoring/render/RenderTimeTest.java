package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Render time of the prod overlay, measured in one JVM after a warm-up render. */
@DisplayName("Render time")
class RenderTimeTest {

    private static final int RENDERS = 9;

    @Test
    @DisplayName("the prod overlay renders in well under a few seconds (median of repeated renders)")
    void prodMedian() {
        HelmRender prod = Releases.render("prod");
        prod.render();
        List<Long> millis = new ArrayList<>();
        int objects = 0;
        for (int i = 0; i < RENDERS; i++) {
            long start = System.nanoTime();
            objects = prod.render().objects().size();
            millis.add((System.nanoTime() - start) / 1_000_000);
        }
        Collections.sort(millis);
        long median = millis.get(RENDERS / 2);
        System.out.printf(
                "prod overlay: %d objects, render median %d ms over %d renders (min %d, max %d)%n",
                objects, median, RENDERS, millis.get(0), millis.get(RENDERS - 1));
        assertThat(median).isLessThan(5_000);
    }
}
