package io.vyre.flink.source.split;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.flink.annotation.Internal;

/**
 * How a file is compressed, known by its name's extension (as Flink's FileSource decides): such a file is one
 * split, read through its decompressor, and every offset in it counts decompressed bytes.
 */
@Internal
public enum Compression {
    NONE(""),
    GZIP(".gz", ".gzip"),
    BZIP2(".bz2"),
    XZ(".xz"),
    ZSTD(".zst", ".zstd");

    private final String[] extensions;

    Compression(String... extensions) {
        this.extensions = extensions;
    }

    /** The compression of the file named {@code path}. */
    public static Compression of(String path) {
        String name = path.toLowerCase(Locale.ROOT);
        for (Compression c : values()) {
            for (String e : c.extensions) {
                if (!e.isEmpty() && name.endsWith(e)) {
                    return c;
                }
            }
        }
        return NONE;
    }

    public boolean compressed() {
        return this != NONE;
    }

    /** The decompressed bytes of {@code file} (concatenated gzip members and bzip2 streams included). */
    public InputStream open(Path file) throws IOException {
        return open(file, new LongAdder());
    }

    /** As {@link #open(Path)}, adding to {@code compressedRead} the compressed bytes the decoder takes from the file. */
    public InputStream open(Path file, LongAdder compressedRead) throws IOException {
        return decode(Files.newInputStream(file), file.toString(), compressedRead);
    }

    /**
     * The decompressed bytes of {@code in}, the bytes of file {@code name} (for messages), adding to
     * {@code compressedRead} what the decoder takes from it; {@code in} is closed with the result, or here when the
     * decoder cannot start.
     */
    public InputStream decode(InputStream in, String name, LongAdder compressedRead) throws IOException {
        InputStream raw = new BufferedInputStream(new Counting(in, compressedRead), 1 << 16);
        try {
            return switch (this) {
                case NONE -> raw;
                case GZIP -> new GzipCompressorInputStream(raw, true);
                case BZIP2 -> new BZip2CompressorInputStream(raw, true);
                case XZ -> new XZCompressorInputStream(raw, true);
                case ZSTD -> new ZstdCompressorInputStream(raw);
            };
        } catch (LinkageError e) {
            raw.close();
            throw new DecoderUnavailableException("cannot decompress " + name + ": the " + this + " decoder cannot"
                + " load (" + e + "); it needs " + library() + " on the classpath (the connector jars ship it)", e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private String library() {
        return switch (this) {
            case XZ -> "org.tukaani:xz";
            case ZSTD -> "com.github.luben:zstd-jni (and its native library for this platform)";
            default -> "org.apache.commons:commons-compress";
        };
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {
        private final LongAdder read;

        Counting(InputStream in, LongAdder read) {
            super(in);
            this.read = read;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                read.increment();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read.add(n);
            }
            return n;
        }
    }

    /** A decoder's library is missing: a set-up problem, never a file to skip. */
    public static final class DecoderUnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        DecoderUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
