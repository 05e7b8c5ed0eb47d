package dev.hamonitoring.binaries;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The blocks of a FILESYSTEM Thanos bucket, read from each block's meta.json. */
final class BucketBlocks {

    private BucketBlocks() {}

    /**
     * One block: its ULID, time range (ms), compaction level and sources, Thanos external labels
     * and source (sidecar, compactor...), and whether a deletion mark exists.
     */
    record Block(
            String ulid,
            long minTime,
            long maxTime,
            int level,
            List<String> sources,
            Map<String, String> labels,
            String source,
            long numSeries,
            long numSamples,
            boolean markedForDeletion) {
        @Override
        public String toString() {
            return ulid + " [" + minTime + "," + maxTime + ") level " + level + " sources " + sources + " labels "
                    + labels
                    + " from " + source + " " + numSeries + " series " + numSamples + " samples"
                    + (markedForDeletion ? " (marked for deletion)" : "");
        }
    }

    /** Every block with a meta.json in the bucket directory (none when the directory does not exist yet). */
    static List<Block> read(Path bucket) {
        if (!Files.isDirectory(bucket)) {
            return List.of();
        }
        List<Block> blocks = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(bucket)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path meta = dir.resolve("meta.json");
                if (!Files.isRegularFile(meta)) {
                    continue;
                }
                JsonNode json;
                try {
                    json = Api.JSON.readTree(meta.toFile());
                } catch (IOException e) {
                    continue; // Being written right now; the next poll reads it.
                }
                List<String> sources = new ArrayList<>();
                json.path("compaction").path("sources").forEach(s -> sources.add(s.asText()));
                Map<String, String> labels = new TreeMap<>();
                json.path("thanos")
                        .path("labels")
                        .properties()
                        .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                blocks.add(new Block(
                        json.path("ulid").asText(),
                        json.path("minTime").asLong(),
                        json.path("maxTime").asLong(),
                        json.path("compaction").path("level").asInt(),
                        sources,
                        labels,
                        json.path("thanos").path("source").asText(),
                        json.path("stats").path("numSeries").asLong(),
                        json.path("stats").path("numSamples").asLong(),
                        Files.exists(dir.resolve("deletion-mark.json"))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blocks;
    }
}
