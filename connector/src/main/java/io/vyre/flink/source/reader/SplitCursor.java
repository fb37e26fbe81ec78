package io.vyre.flink.source.reader;

import io.vyre.flink.source.split.Compression;
import io.vyre.flink.source.split.InputFiles;
import io.vyre.flink.source.split.VyreFileSplit;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read position of one split in {@link VyreSplitReader}: where the next chunk starts, the restored key that
 * filters what was emitted before, and per kind of split what reading it needs (a streamed file's stream and
 * carried bytes, a tailed file's growth).
 */
final class SplitCursor {
    private static final Logger LOG = LoggerFactory.getLogger(SplitCursor.class);
    static final byte[] NO_BYTES = new byte[0];
    /** The smallest chunk: an output region that overflows halves the chunk down to this. */
    static final int MIN_CHUNK = 4096;

    final VyreFileSplit split;
    long next;
    /** Restored from a version 1 checkpoint: results of the first chunk to skip by position. */
    int skip;
    /** Restored: results keyed at or below (lastStart, lastId) were emitted; NONE once read past. */
    long lastStart;
    int lastId;
    int maxChunk;
    boolean busy;
    boolean failed;
    int inFlight;
    /** Not to be packed again (its packed chunk overflowed the output region). */
    boolean noPack;
    /** The file's compression: a compressed file is read through its decompressor. */
    final Compression compression;
    /**
     * Read by this reader as a stream ({@link StreamedSplits}): a compressed file, or one of another file system
     * ({@link InputFiles}); {@link #next} counts the stream's (decompressed) bytes. Otherwise the kernel reads it.
     */
    final boolean streamed;
    /** Streamed: the open stream, positioned {@link #carry} bytes past {@link #next}; null until read. */
    PushbackInputStream stream;
    /** Streamed: bytes from {@link #next} on already taken from the stream, to go first into the next chunk. */
    byte[] carry = NO_BYTES;
    /** Streamed: the stream has ended; the last chunk is issued. */
    boolean eof;
    /** Streamed, remote: reopens in a row after read errors, and not before when the next may happen. */
    int streamRetries;
    long reopenNotBeforeNanos = System.nanoTime();
    /** Streamed: file bytes the decoder took, and how many of them were counted as read (numBytesIn). */
    final LongAdder fileBytesRead = new LongAdder();
    long fileBytesCounted;
    /** A tailed file renamed away or deleted, read to its end and quiet: its split is done. */
    boolean ended;
    /** When the reader first saw its tailed file renamed away or deleted ({@code -1}: not yet). */
    long goneSinceNanos = -1;
    /** Dropped: release the file handle when no chunk of it is in flight any more. */
    boolean releasePending;
    /** Tailed split: the file size at which the last read made no progress (wait for it to grow). */
    long stalledAtSize = -1;
    /** Tailed split: the size last seen, when it last changed, and the size whose end was scanned as final. */
    long lastSize = -1;
    long grewNanos = System.nanoTime();
    long finalAtSize = -1;
    private final long tailFinalNanos;

    SplitCursor(VyreFileSplit split, int chunkBytes, long tailFinalNanos) {
        this.split = split;
        this.next = split.offset();
        this.skip = split.skip();
        this.lastStart = split.lastStart();
        this.lastId = split.lastId();
        this.maxChunk = chunkBytes;
        this.compression = Compression.of(split.path());
        this.streamed = InputFiles.streamed(split.path());
        this.tailFinalNanos = tailFinalNanos;
    }

    /** A tailed file that has not grown for the final-after time: its end is scanned (once per size). */
    boolean quiet(long size) {
        long now = System.nanoTime();
        if (size != lastSize) {
            lastSize = size;
            grewNanos = now;
            return false;
        }
        return now - grewNanos >= tailFinalNanos;
    }

    String id() {
        return split.splitId();
    }

    boolean exhausted() {
        return ended || (!split.isTail() && (streamed ? eof : next >= split.end()));
    }

    /**
     * Whether a tailed file that is renamed away or deleted, read to its end and quiet, is done: once it has
     * been seen so for the quiet time too (its writer may still write its last lines into it, as loggers do right
     * after a rotation).
     */
    boolean goneFor(boolean gone) {
        if (!gone) {
            goneSinceNanos = -1;
            return false;
        }
        long now = System.nanoTime();
        if (goneSinceNanos < 0) {
            goneSinceNanos = now;
        }
        return now - goneSinceNanos >= tailFinalNanos;
    }

    /** A tailed file truncated in place: it is read again from its start, as a new file would be. */
    void restartTail() {
        next = 0;
        skip = 0;
        lastStart = VyreFileSplit.NONE;
        stalledAtSize = -1;
        finalAtSize = -1;
        lastSize = -1;
    }

    /** Streamed: closes the stream; the next read reopens it and skips to {@link #next}. */
    void rewind() {
        closeStream();
        carry = NO_BYTES;
        eof = false;
    }

    void closeStream() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                LOG.debug("closing the stream of {}: {}", split.path(), e.toString());
            }
            stream = null;
        }
    }
}
