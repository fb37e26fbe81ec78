package io.vyre.flink.source.reader;

import io.vyre.flink.fs.FileLocation;
import io.vyre.flink.source.split.Compression;
import io.vyre.flink.source.split.InputFiles;
import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreTenant;
import java.io.EOFException;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.nio.file.NoSuchFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files the reader streams into lanes itself, each one split ({@link InputFiles#streamed}): compressed files
 * ({@link Compression}, by name) through their decompressor, and files of other file systems than the local one
 * ({@code s3://}, {@code hdfs://}) through Flink's file system. Each chunk is staged by the reader (for matches with
 * the previous chunk's last overlap bytes in front, for lines with its unframed end), and every offset counts the
 * stream's bytes (decompressed). A restore seeks a remote file to its position; a compressed one is decompressed from
 * the start again and skipped to it, as Flink's FileSource does.
 */
final class StreamedSplits<T> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedSplits.class);
    private static final byte[] NO_BYTES = SplitCursor.NO_BYTES;

    private final ReaderCore<T> core;
    private final ChunkFraming<T> framing;
    /** Reopens of a remote file's stream at its position after a read error, before the file counts as unreadable. */
    static final int REMOTE_RETRIES = 3;
    private static final long RETRY_BACKOFF_NANOS = 200_000_000L;
    /** Bytes on their way from a split's stream into a lane. */
    private final byte[] inflated = new byte[1 << 16];

    StreamedSplits(ReaderCore<T> core, ChunkFraming<T> framing) {
        this.core = core;
        this.framing = framing;
    }

    /**
     * Stages the next chunk of a streamed split: what is carried from the previous chunk, then what the stream gives
     * up to the chunk size.
     *
     * @return whether a chunk went out
     */
    boolean issue(SplitCursor c) throws IOException, InterruptedException {
        if (core.program.stagedProgram(0) == null) {
            throw new IOException("cannot read " + c.split.path() + ": " + (c.compression.compressed()
                ? "it is " + c.compression + "-compressed, and " + core.program.describe() + " reads files itself, so it"
                + " would see the compressed bytes; decompress the file first, or use a scan or lines program"
                : "it is not on the local file system, and " + core.program.describe() + " reads files itself (through"
                + " the local IO pump); copy the file to a local disk first, or use a scan or lines program"));
        }
        int overlap = framing.overlap();
        int capacity = Math.min(c.maxChunk, core.settings.chunkBytes());
        if (capacity <= overlap) {
            throw new IOException("a chunk of " + capacity + " bytes cannot hold the " + (overlap + 1) + " bytes of"
                + " the longest pattern: raise the source's chunk size (chunk-bytes)");
        }
        if (c.stream == null && (System.nanoTime() - c.reopenNotBeforeNanos < 0 || !open(c))) {
            return false;
        }
        VyreTenant tenant = core.holder.tenant();
        Lane lane = tenant.acquireLane();
        int n;
        boolean eof = false;
        try {
            lane.ingest().buffer().putBytes(0, c.carry);
            n = c.carry.length;
            while (n < capacity) {
                int r = c.stream.read(inflated, 0, Math.min(inflated.length, capacity - n));
                if (r < 0) {
                    eof = true;
                    break;
                }
                lane.ingest().buffer().putBytes(n, inflated, 0, r);
                n += r;
            }
            if (!eof) {
                int ahead = c.stream.read();  // a stream that ends exactly here makes this chunk the last
                if (ahead < 0) {
                    eof = true;
                } else {
                    c.stream.unread(ahead);
                }
            }
        } catch (IOException | RuntimeException e) {  // decoders throw either on corrupt data
            tenant.releaseLane(lane);
            return !retry(c, e) && failed(c, e);
        }
        c.streamRetries = 0;
        if (eof) {
            c.closeStream();
            c.eof = true;
        }
        if (n == 0) {
            tenant.releaseLane(lane);
            c.carry = NO_BYTES;
            return false;
        }
        ChunkFraming.StagedCut cut = framing.cut(lane, n, eof);
        long seq = core.publishStaged(tenant, lane, n, cut.flags());
        long taken = c.fileBytesRead.sum();  // numBytesIn counts file bytes, as the progress against file sizes
        core.bytesIn.inc(taken - c.fileBytesCounted);
        c.fileBytesCounted = taken;
        c.inFlight++;
        core.inFlight.add(new Chunk(c, c.next, c.next, cut.own(), n, cut.flags(), c.skip, lane, seq));
        c.skip = 0;
        framing.staged(c, cut);
        return true;
    }

    /**
     * Opens a streamed split's stream at its position: a remote file seeks to it, a compressed one is decompressed
     * from the start and skipped to it.
     */
    private boolean open(SplitCursor c) throws IOException {
        String path = c.split.path();
        boolean seek = !c.compression.compressed();
        try {
            c.stream = new PushbackInputStream(c.compression.decode(InputFiles.open(path, seek ? c.next : 0), path,
                c.fileBytesRead), 1);
            if (seek) {
                c.fileBytesRead.add(c.next);  // what the seek passed over counts as read, as a skip's bytes do
            } else if (c.next > 0) {
                LOG.info("{}: resuming at decompressed byte {} (decompressing and skipping what comes before)", path,
                    c.next);
                try {
                    c.stream.skipNBytes(c.next);
                } catch (EOFException e) {
                    c.closeStream();
                    return core.unreadable(c, "it decompresses to fewer than the " + c.next + " bytes already read"
                        + " from it (replaced or truncated underneath?)", e);
                }
            }
            c.carry = NO_BYTES;
            if (c.next > 0) {
                c.fileBytesCounted = c.fileBytesRead.sum();  // what a restore skips was counted before it
            }
            return true;
        } catch (NoSuchFileException e) {
            c.closeStream();
            return core.unreadable(c, ReaderCore.GONE, e);
        } catch (Compression.DecoderUnavailableException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            c.closeStream();
            return !retry(c, e) && failed(c, e);
        }
    }

    /** A stream that cannot be read on: corrupt compressed data, or a file that cannot be read. */
    private boolean failed(SplitCursor c, Exception e) throws IOException {
        return c.compression.compressed() ? corrupt(c, e) : core.unreadable(c, ReaderCore.reason(e), e);
    }

    /**
     * A remote file's stream that broke (a connection reset, a timeout) is opened again at the split's position, up
     * to {@link #REMOTE_RETRIES} times in a row with a growing pause, as a transient fault of an object store should
     * not end the file; what was carried or counted from the broken stream is dropped and read again.
     *
     * @return whether it will be reopened
     */
    private boolean retry(SplitCursor c, Exception e) {
        if (FileLocation.isLocal(c.split.path()) || c.streamRetries >= REMOTE_RETRIES) {
            return false;
        }
        c.streamRetries++;
        LOG.warn("{}: reading failed at byte {} ({}); opening it again there (retry {} of {})", c.split.path(), c.next,
            ReaderCore.reason(e), c.streamRetries, REMOTE_RETRIES);
        c.rewind();
        c.fileBytesRead.reset();
        c.fileBytesCounted = 0;
        c.reopenNotBeforeNanos = System.nanoTime() + RETRY_BACKOFF_NANOS * c.streamRetries;
        return true;
    }

    /**
     * Compressed data that cannot be decoded: fails the job, or with skip-unreadable-files ends the split where
     * it broke, keeping the chunks before it (they are in flight or emitted, and their bytes were good).
     */
    private boolean corrupt(SplitCursor c, Exception e) throws IOException {
        String message = "cannot read " + c.split.path() + ": its " + c.compression + " data is corrupt or truncated ("
            + ReaderCore.reason(e) + ")";
        if (!core.skipUnreadable) {
            throw new IOException(message + " (set skip-unreadable-files to skip such files instead)", e);
        }
        LOG.warn("{}; skipping the rest of split {} after decompressed byte {}", message, c.id(), c.next);
        c.closeStream();
        c.carry = NO_BYTES;
        c.eof = true;
        return false;
    }
}
