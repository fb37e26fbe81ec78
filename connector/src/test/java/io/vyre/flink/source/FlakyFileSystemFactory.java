package io.vyre.flink.source;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.local.LocalFileSystem;

/**
 * {@code flaky:///path}: the local disk as a "remote" Flink file system whose every file's stream breaks
 * {@link #breaksPerFile} times (once by default), with an IOException after {@link #BREAK_AFTER} bytes, as an object
 * store's connection resets mid-object. Registered for the tests through META-INF/services.
 */
public final class FlakyFileSystemFactory implements FileSystemFactory {
    static final String SCHEME = "flaky";
    static final int BREAK_AFTER = 20_000;
    /** How often each file's stream breaks before it reads through. */
    public static volatile int breaksPerFile = 1;
    /** Breaks so far, per file and in all. */
    static final Map<String, AtomicInteger> BROKEN = new ConcurrentHashMap<>();
    public static final AtomicInteger BREAKS = new AtomicInteger();

    /** Every file reads as if never broken, {@code breaks} times each from now on. */
    public static void reset(int breaks) {
        breaksPerFile = breaks;
        BROKEN.clear();
        BREAKS.set(0);
    }

    private static AtomicInteger breaksOf(String key) {
        return BROKEN.computeIfAbsent(key, k -> new AtomicInteger());
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileSystem create(URI fsUri) {
        return new Flaky();
    }

    private static final class Flaky extends LocalFileSystem {
        @Override
        public URI getUri() {
            return URI.create(SCHEME + ":///");
        }

        @Override
        public boolean isDistributedFS() {
            return true;
        }

        @Override
        public FileStatus getFileStatus(Path f) throws IOException {
            return flaky(super.getFileStatus(f));
        }

        @Override
        public FileStatus[] listStatus(Path f) throws IOException {
            FileStatus[] local = super.listStatus(f);
            if (local == null) {
                return null;
            }
            FileStatus[] out = new FileStatus[local.length];
            for (int i = 0; i < local.length; i++) {
                out[i] = flaky(local[i]);
            }
            return out;
        }

        @Override
        public FSDataInputStream open(Path f, int bufferSize) throws IOException {
            return open(f);
        }

        @Override
        public FSDataInputStream open(Path f) throws IOException {
            FSDataInputStream in = super.open(f);
            String key = f.toUri().getPath();
            return breaksOf(key).get() >= breaksPerFile ? in : new Breaking(in, key);
        }

        private static FileStatus flaky(FileStatus s) {
            Path path = new Path(SCHEME, null, s.getPath().toUri().getPath());
            return new FileStatus() {
                public long getLen() {
                    return s.getLen();
                }

                public long getBlockSize() {
                    return s.getBlockSize();
                }

                public short getReplication() {
                    return s.getReplication();
                }

                public long getModificationTime() {
                    return s.getModificationTime();
                }

                public long getAccessTime() {
                    return s.getAccessTime();
                }

                public boolean isDir() {
                    return s.isDir();
                }

                public Path getPath() {
                    return path;
                }
            };
        }
    }

    /** Throws once its position passes BREAK_AFTER, while the file has broken fewer than breaksPerFile times. */
    private static final class Breaking extends FSDataInputStream {
        private final FSDataInputStream in;
        private final String key;

        Breaking(FSDataInputStream in, String key) {
            this.in = in;
            this.key = key;
        }

        private void maybeBreak() throws IOException {
            if (in.getPos() >= BREAK_AFTER && breaksOf(key).getAndIncrement() < breaksPerFile) {
                BREAKS.incrementAndGet();
                throw new IOException("connection reset (injected) reading " + key + " at " + in.getPos());
            }
        }

        @Override
        public int read() throws IOException {
            maybeBreak();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            maybeBreak();
            return in.read(b, off, len);
        }

        @Override
        public void seek(long desired) throws IOException {
            in.seek(desired);
        }

        @Override
        public long getPos() throws IOException {
            return in.getPos();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
