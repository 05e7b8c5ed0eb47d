package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Chart archives (.tgz)")
class TarGzTest {

    private static Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 1.0.0\n".getBytes(StandardCharsets.UTF_8));
        files.put("demo/templates/a.yaml", new byte[0]);
        files.put("demo/charts/sub/values.yaml", "x: 1\n".repeat(300).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    @Nested
    @DisplayName("written here")
    class Written {

        @Test
        @DisplayName("read back with the same paths, order and contents")
        void roundTrip() {
            Map<String, byte[]> read = TarGz.read(TarGz.write(files(), 1_700_000_000L, TarGz.plainGzipHeader()));
            assertThat(read.keySet()).containsExactlyElementsOf(files().keySet());
            files().forEach((path, content) ->
                    assertThat(read.get(path)).as(path).isEqualTo(content));
        }

        @Test
        @DisplayName("are byte-identical for the same files and time, and differ for another time")
        void reproducible() {
            byte[] first = TarGz.write(files(), 1_700_000_000L, TarGz.plainGzipHeader());
            assertThat(TarGz.write(files(), 1_700_000_000L, TarGz.plainGzipHeader()))
                    .isEqualTo(first);
            assertThat(TarGz.write(files(), 1_700_000_001L, TarGz.plainGzipHeader()))
                    .isNotEqualTo(first);
        }

        @Test
        @DisplayName("keep paths longer than 100 characters through the ustar prefix field")
        void longPaths() {
            String path = "demo/" + "deep/".repeat(25) + "file.yaml";
            Map<String, byte[]> read =
                    TarGz.read(TarGz.write(Map.of(path, new byte[] {1}), 0, TarGz.plainGzipHeader()));
            assertThat(read).containsOnlyKeys(path);
        }

        @Test
        @DisplayName("keep the gzip header they are given (Helm's extra field and comment)")
        void gzipHeader() {
            byte[] helmLike = {
                0x1f, (byte) 0x8b, 8, 0x14, 0, 0, 0, 0, 0, (byte) 0xff, 2, 0, 'h', 'i', 'H', 'e', 'l', 'm', 0
            };
            byte[] tgz = TarGz.write(files(), 0, helmLike);
            assertThat(TarGz.gzipHeader(tgz)).isEqualTo(helmLike);
            assertThat(TarGz.read(tgz)).containsOnlyKeys(files().keySet());
        }
    }

    @Nested
    @DisplayName("read here")
    class Read {

        @Test
        @DisplayName("take the path of a PAX extended header (Go's archive/tar writes one for long names)")
        void paxPath() throws IOException {
            String longName = "demo/" + "x".repeat(150) + ".yaml";
            String record = " path=" + longName + "\n";
            int length = record.length() + 3;
            byte[] pax = (length + record).getBytes(StandardCharsets.UTF_8);
            byte[] tar = concat(
                    rawHeader("PaxHeaders/x", pax.length, 'x'),
                    pad(pax),
                    rawHeader("short-name", 2, '0'),
                    pad(new byte[] {'o', 'k'}),
                    new byte[1024]);
            assertThat(TarGz.read(gzip(tar))).containsOnlyKeys(longName);
        }

        @Test
        @DisplayName("refuse entries a chart package never holds (a symbolic link)")
        void refusesLinks() throws IOException {
            byte[] tar = concat(rawHeader("demo/link", 0, '2'), new byte[1024]);
            assertThatThrownBy(() -> TarGz.read(gzip(tar))).hasMessageContaining("Unsupported tar entry type '2'");
        }

        @Test
        @DisplayName("refuse something that is not gzip")
        void refusesNonGzip() {
            assertThatThrownBy(() -> TarGz.read("plain text".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static byte[] rawHeader(String name, int size, char type) {
        byte[] header = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, header, 0, n.length);
        byte[] sizeField = String.format("%011o", size).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(sizeField, 0, header, 124, sizeField.length);
        header[156] = (byte) type;
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, header, 257, magic.length);
        return header;
    }

    private static byte[] pad(byte[] data) {
        byte[] padded = new byte[(data.length + 511) / 512 * 512];
        System.arraycopy(data, 0, padded, 0, data.length);
        return padded;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List.of(parts).forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        }
        return out.toByteArray();
    }
}
