package dev.hamonitoring.render;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/**
 * The gzip-compressed tar archives Helm reads and writes, reduced to what a chart package holds:
 * regular files with a path, bytes, mode 0644, and a modification time.
 *
 * <p>{@link #read(byte[])} accepts what Go's {@code archive/tar} writes (ustar; PAX and GNU long
 * names too). {@link #write(Map, long, byte[])} writes ustar headers like Helm's
 * {@code chartutil.Save} (uid/gid 0, no user or group names, no directory entries, two zero blocks
 * at the end), with one modification time for every entry so the same files always give the same
 * bytes. JDK only, no compression library.
 */
public final class TarGz {

    /** The gzip header Go's gzip writer produces with no name, comment or extra field. */
    private static final byte[] PLAIN_GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private static final int BLOCK = 512;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int FHCRC = 2;

    private TarGz() {}

    /** A gzip header without name, time, extra field or comment (a copy; callers may change it). */
    public static byte[] plainGzipHeader() {
        return PLAIN_GZIP_HEADER.clone();
    }

    /**
     * The files of a .tgz, in archive order (path to content).
     *
     * @throws IllegalArgumentException when the archive holds anything but regular files (links,
     *     devices), a path twice, or is not a gzip-compressed tar
     */
    public static Map<String, byte[]> read(byte[] tgz) {
        byte[] tar;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tgz))) {
            tar = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException("Not a gzip-compressed archive: " + e.getMessage(), e);
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        String longName = null;
        int offset = 0;
        while (offset + BLOCK <= tar.length) {
            byte[] header = Arrays.copyOfRange(tar, offset, offset + BLOCK);
            if (isZero(header)) {
                break;
            }
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            int dataStart = offset + BLOCK;
            if (dataStart + size > tar.length) {
                throw new IllegalArgumentException("Truncated tar entry at offset " + offset);
            }
            byte[] data = Arrays.copyOfRange(tar, dataStart, (int) (dataStart + size));
            offset = dataStart + (int) ((size + BLOCK - 1) / BLOCK) * BLOCK;
            switch (type) {
                case 'x' -> longName = paxPath(data, longName);
                case 'g' -> {
                    // Global PAX header (Go never writes one for charts): carries no file.
                }
                case 'L' -> longName = cString(data, 0, data.length);
                case '0', '\0' -> {
                    String name = longName != null ? longName : ustarName(header);
                    longName = null;
                    if (entries.put(name, data) != null) {
                        throw new IllegalArgumentException("The archive holds " + name + " twice");
                    }
                }
                case '5' -> longName = null; // a directory entry: nothing to keep
                default ->
                    throw new IllegalArgumentException("Unsupported tar entry type '" + type + "' for "
                            + ustarName(header) + " (a chart package holds only regular files)");
            }
        }
        return Collections.unmodifiableMap(entries);
    }

    /**
     * Writes the entries, in the given order, as a gzip-compressed ustar archive.
     *
     * @param mtimeSeconds the modification time of every entry (seconds since the epoch)
     * @param gzipHeader the gzip member header to write (fixed fields through the optional
     *     extra/name/comment fields, no header CRC); its modification time field must be zero
     */
    public static byte[] write(Map<String, byte[]> entries, long mtimeSeconds, byte[] gzipHeader) {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            tar.writeBytes(header(entry.getKey(), entry.getValue().length, mtimeSeconds));
            tar.writeBytes(entry.getValue());
            int padding = (BLOCK - entry.getValue().length % BLOCK) % BLOCK;
            tar.writeBytes(new byte[padding]);
        }
        tar.writeBytes(new byte[2 * BLOCK]);
        return gzip(tar.toByteArray(), gzipHeader);
    }

    /**
     * The gzip member header of {@code tgz} (fixed fields plus extra, name and comment), so a
     * rewritten archive can keep the header Helm writes. Fails on a header CRC or a non-zero
     * modification time, which Helm does not write.
     */
    public static byte[] gzipHeader(byte[] tgz) {
        if (tgz.length < 10 || tgz[0] != 0x1f || tgz[1] != (byte) 0x8b || tgz[2] != 8) {
            throw new IllegalArgumentException("Not a gzip (deflate) stream");
        }
        int flags = tgz[3] & 0xff;
        if ((flags & FHCRC) != 0) {
            throw new IllegalArgumentException("gzip header CRC is not supported");
        }
        for (int i = 4; i < 8; i++) {
            if (tgz[i] != 0) {
                throw new IllegalArgumentException("gzip header carries a modification time; expected none");
            }
        }
        int position = 10;
        if ((flags & FEXTRA) != 0) {
            int length = (tgz[position] & 0xff) | (tgz[position + 1] & 0xff) << 8;
            position += 2 + length;
        }
        if ((flags & FNAME) != 0) {
            position = afterZero(tgz, position);
        }
        if ((flags & FCOMMENT) != 0) {
            position = afterZero(tgz, position);
        }
        return Arrays.copyOf(tgz, position);
    }

    private static byte[] gzip(byte[] data, byte[] gzipHeader) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(gzipHeader);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(data);
            deflater.finish();
            byte[] buffer = new byte[64 * 1024];
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer);
                out.write(buffer, 0, n);
            }
        } finally {
            deflater.end();
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLe(out, (int) crc.getValue());
        writeIntLe(out, data.length);
        return out.toByteArray();
    }

    private static byte[] header(String name, long size, long mtime) {
        byte[] header = new byte[BLOCK];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length <= 100) {
            System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
        } else {
            // ustar splits long paths at a '/' into prefix (155) and name (100).
            int split = name.lastIndexOf('/', Math.min(name.length() - 1, 155));
            byte[] prefix = split > 0 ? name.substring(0, split).getBytes(StandardCharsets.UTF_8) : new byte[0];
            byte[] rest = split > 0 ? name.substring(split + 1).getBytes(StandardCharsets.UTF_8) : nameBytes;
            if (split <= 0 || prefix.length > 155 || rest.length > 100) {
                throw new IllegalArgumentException("Path too long for a ustar header: " + name);
            }
            System.arraycopy(rest, 0, header, 0, rest.length);
            System.arraycopy(prefix, 0, header, 345, prefix.length);
        }
        putOctal(header, 100, 8, 0644);
        putOctal(header, 108, 8, 0);
        putOctal(header, 116, 8, 0);
        putOctal(header, 124, 12, size);
        putOctal(header, 136, 12, mtime);
        header[156] = '0';
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, header, 257, magic.length);
        putOctal(header, 329, 8, 0); // devmajor
        putOctal(header, 337, 8, 0); // devminor
        Arrays.fill(header, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        byte[] checksum = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, header, 148, 6);
        header[154] = 0;
        header[155] = ' ';
        return header;
    }

    private static void putOctal(byte[] header, int offset, int length, long value) {
        String text = Long.toOctalString(value);
        if (text.length() > length - 1) {
            throw new IllegalArgumentException("Value " + value + " does not fit a " + length + "-byte tar field");
        }
        String padded = "0".repeat(length - 1 - text.length()) + text;
        byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
        header[offset + length - 1] = 0;
    }

    private static long octal(byte[] header, int offset, int length) {
        String text = cString(header, offset, length).trim();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }

    private static String ustarName(byte[] header) {
        String name = cString(header, 0, 100);
        String magic = cString(header, 257, 6);
        String prefix = magic.startsWith("ustar") ? cString(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String paxPath(byte[] data, String previous) {
        String records = new String(data, StandardCharsets.UTF_8);
        String path = previous;
        int position = 0;
        while (position < records.length()) {
            int space = records.indexOf(' ', position);
            if (space < 0) {
                break;
            }
            int length = Integer.parseInt(records.substring(position, space));
            String record = records.substring(space + 1, position + length - 1);
            if (record.startsWith("path=")) {
                path = record.substring("path=".length());
            }
            position += length;
        }
        return path;
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static int afterZero(byte[] bytes, int position) {
        while (bytes[position] != 0) {
            position++;
        }
        return position + 1;
    }

    private static void writeIntLe(ByteArrayOutputStream out, int value) {
        out.write(value & 0xff);
        out.write(value >>> 8 & 0xff);
        out.write(value >>> 16 & 0xff);
        out.write(value >>> 24 & 0xff);
    }

    /** Reads a whole file. */
    public static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
