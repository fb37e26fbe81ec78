package io.vyre.flink.source.reader;

import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.program.VyreProgram.Framing;
import io.vyre.flink.runtime.PipelineStages;
import io.vyre.flink.runtime.PipelineStages.Stage;
import io.vyre.flink.runtime.RuntimeMetrics;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.source.split.Compression;
import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreTenant;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.protocol.SlotError;
import io.vyre.runtime.protocol.SlotResult;
import java.io.EOFException;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads splits chunk by chunk through the megakernel: each chunk is one CALL in the ring, with its own
 * lane (ingest buffer and output region), and up to {@code lanes} chunks are in flight. Results are
 * handed on in issue order, one chunk per fetch, sorted so that a restored reader can skip exactly what
 * it emitted before.
 *
 * <p>Small splits (whole small files, the usual log folder) are packed: when the program has a
 * {@linkplain VyreProgram#stagedProgram(int) staged form}, the reader reads up to {@link #PACK_SPLITS} of them
 * into one lane's ingest buffer itself and scans them with one CALL, so a 10 KB file costs neither a ring
 * round trip nor a file handle of its own; each match goes to the file it starts in, and a match that runs
 * past its file's bytes into the next file's is dropped.
 *
 * <p>A compressed file ({@link Compression}, by its name) is one split read through its decompressor on this
 * thread: each chunk is staged by the reader (for matches, with the previous chunk's last overlap bytes
 * in front; for lines, with the previous chunk's unframed end), and every offset counts decompressed bytes.
 * A restore decompresses from the start again and skips to its position, as Flink's FileSource does.
 */
final class VyreSplitReader<T> implements SplitReader<VyreElement<T>, VyreFileSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(VyreSplitReader.class);
    private static final int MIN_CHUNK = 4096;
    private static final byte[] NO_BYTES = SplitCursor.NO_BYTES;
    private static final String GONE = "it no longer exists (deleted after it was listed?)";
    /** Most splits packed into one chunk. */
    static final int PACK_SPLITS = 128;

    private final RuntimeHolder holder;
    private final VyreProgram<T> program;
    private final VyreRuntimeSettings settings;
    private final RuntimeMetrics metrics;
    private final Counter bytesIn;
    private final AtomicLong pendingBytes;
    private final boolean skipUnreadable;
    private final Duration pollInterval;
    private final long tailFinalNanos;
    /** LIMIT push-down: once this many records are produced, bounded splits end unread (Flink applies the limit). */
    private final long recordLimit;
    private long produced;
    private final LinkedHashMap<String, SplitCursor> cursors = new LinkedHashMap<>();
    private final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
    /** Decompressed bytes on their way from a compressed split's stream into a lane. */
    private final byte[] inflated = new byte[1 << 16];
    private volatile boolean wokenUp;

    VyreSplitReader(RuntimeHolder holder, VyreProgram<T> program, VyreRuntimeSettings settings, RuntimeMetrics metrics,
                    Counter bytesIn, AtomicLong pendingBytes, boolean skipUnreadable, Duration pollInterval,
                    Duration tailFinalAfter, long recordLimit) {
        this.holder = holder;
        this.program = program;
        this.settings = settings;
        this.metrics = metrics;
        this.bytesIn = bytesIn;
        this.pendingBytes = pendingBytes;
        this.skipUnreadable = skipUnreadable;
        this.pollInterval = pollInterval;
        this.tailFinalNanos = tailFinalAfter.toNanos();
        this.recordLimit = recordLimit;
    }

    @Override
    public RecordsWithSplitIds<VyreElement<T>> fetch() throws IOException {
        wokenUp = false;
        long t = System.nanoTime();
        try {
            issue();
            t = metrics.stages().since(Stage.SOURCE_ISSUE, t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while issuing chunks", e);
        }
        updatePending();
        if (inFlight.isEmpty()) {
            Set<String> finished = finishedWithoutWork();
            if (finished.isEmpty() && !cursors.isEmpty()) {
                idle();
            }
            return new RecordsBySplits<>(Map.of(), finished);
        }
        Chunk chunk = inFlight.poll();
        SlotResult result;
        try {
            result = holder.tenant().await(chunk.sequence, Duration.ofMinutes(10));
        } finally {
            for (SplitCursor c : chunk.cursors()) {
                c.inFlight--;
                releaseWhenIdle(c);
            }
        }
        t = metrics.stages().since(Stage.SOURCE_KERNEL, t);
        PipelineStages.chunkDone();
        metrics.chunkDone(System.nanoTime() - chunk.issuedNanos);
        try {
            return complete(chunk, result);
        } finally {
            holder.tenant().releaseLane(chunk.lane);
            metrics.stages().since(Stage.SOURCE_DECODE, t);
        }
    }

    private Set<String> finishedWithoutWork() {
        Set<String> finished = new HashSet<>();
        for (Iterator<SplitCursor> it = cursors.values().iterator(); it.hasNext(); ) {
            SplitCursor c = it.next();
            if (c.exhausted() && c.inFlight == 0 && !c.busy) {
                finished.add(c.id());
                holder.release(c.split.path());
                it.remove();
            }
        }
        return finished;
    }

    /** Issues chunks while lanes are free: packs of small splits first, then round-robin over the others. */
    private void issue() throws IOException, InterruptedException {
        if (program.framing() == Framing.MATCHES && program.stagedProgram(0) != null) {
            while (inFlight.size() < settings.lanes() && issuePacked()) {
                // one packed chunk per free lane while small splits wait
            }
        }
        boolean progress = true;
        while (progress && inFlight.size() < settings.lanes()) {
            progress = false;
            for (SplitCursor c : new ArrayList<>(cursors.values())) {
                if (inFlight.size() >= settings.lanes()) {
                    break;
                }
                if (!c.failed && tryIssue(c)) {
                    progress = true;
                }
            }
        }
    }

    /** A fresh bounded split small enough to share a chunk with others. */
    private boolean packable(SplitCursor c) {
        VyreFileSplit split = c.split;
        return !split.isTail() && !c.compression.compressed() && !c.failed && !c.busy && !c.noPack && c.inFlight == 0 && c.skip == 0
            && c.lastStart == VyreFileSplit.NONE && c.next == split.start() && split.end() > split.start()
            && split.end() - split.start() + program.overlap() <= settings.chunkBytes() / 4;
    }

    /**
     * Reads small splits into one free lane, back to back (each with the overlap past its end, as its own
     * chunk would have), and publishes one staged CALL over them.
     *
     * @return whether a chunk went out
     */
    private boolean issuePacked() throws IOException, InterruptedException {
        if (produced >= recordLimit) {
            return false;
        }
        List<SplitCursor> candidates = new ArrayList<>();
        for (SplitCursor c : cursors.values()) {
            if (packable(c)) {
                candidates.add(c);
                if (candidates.size() == PACK_SPLITS) {
                    break;
                }
            }
        }
        if (candidates.isEmpty()) {
            return false;
        }
        VyreTenant tenant = holder.tenant();
        Lane lane = tenant.acquireLane();
        List<Chunk.Packed> packed = new ArrayList<>(candidates.size());
        int at = 0;
        try {
            ByteBuffer ingest = lane.ingest().byteBuffer().duplicate();
            for (SplitCursor c : candidates) {
                long start = c.split.start();
                int want = (int) (c.split.end() - start + program.overlap());
                if (at + want > ingest.capacity()) {
                    break;
                }
                int read = readInto(c, start, ingest.clear().limit(at + want).position(at).slice());
                if (read < 0) {
                    continue;  // unreadable and skipped
                }
                packed.add(new Chunk.Packed(c, at, read));
                c.next = c.split.end();
                c.inFlight++;
                at += read;
            }
        } catch (IOException | RuntimeException e) {
            tenant.releaseLane(lane);
            throw e;
        }
        if (packed.isEmpty()) {
            tenant.releaseLane(lane);
            return true;  // every candidate was unreadable and skipped: the next candidates may go out
        }
        long seq;
        try {
            seq = publishStaged(tenant, lane, at, 0);
        } catch (RuntimeException e) {
            for (Chunk.Packed p : packed) {
                p.cursor.next = p.cursor.split.start();
                p.cursor.inFlight--;
            }
            throw e;
        }
        SplitCursor first = packed.get(0).cursor;
        inFlight.add(new Chunk(first, first.split.start(), first.split.start(), at, at, 0, 0, lane, seq, packed));
        PipelineStages.chunkIssued();
        return true;
    }

    /**
     * Publishes the staged program over the first {@code bytes} of {@code lane}'s ingest buffer, which the reader
     * filled; gives the lane back if that fails.
     *
     * @return the slot's sequence
     */
    private long publishStaged(VyreTenant tenant, Lane lane, int bytes, int flags) {
        try {
            lane.output().reset();
            tenant.stageInput(lane, bytes);
            return tenant.publishCall(holder.stagedProgram(flags), 0, lane.ingestHandle(), bytes, lane.output().handle());
        } catch (RuntimeException e) {
            tenant.releaseLane(lane);
            throw e;
        }
    }

    /**
     * Reads a small split's bytes (and the overlap past its end, where the file has it) into {@code into}.
     *
     * @return bytes read, or -1 when the file cannot be read and unreadable files are skipped
     */
    private int readInto(SplitCursor c, long start, ByteBuffer into) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(c.split.path()))) {
            long position = start;
            while (into.hasRemaining()) {
                int n = channel.read(into, position);
                if (n < 0) {
                    break;
                }
                position += n;
            }
        } catch (NoSuchFileException e) {
            unreadable(c, GONE, e);
            return -1;
        } catch (IOException e) {
            unreadable(c, reason(e), e);
            return -1;
        }
        int read = into.position();
        if (start + read < c.split.end()) {
            unreadable(c, "it is " + (start + read) + " bytes, shorter than the " + c.split.end()
                + " it had when it was listed (truncated underneath?)", null);
            return -1;
        }
        return read;
    }

    /**
     * Stages the next decompressed chunk of a compressed split: what is carried from the previous chunk, then
     * what the stream gives up to the chunk size.
     */
    private boolean issueDecompressed(SplitCursor c) throws IOException, InterruptedException {
        if (program.stagedProgram(0) == null) {
            throw new IOException("cannot read " + c.split.path() + ": it is " + c.compression + "-compressed, and "
                + program.describe() + " reads files itself, so it would see the compressed bytes; decompress the"
                + " file first, or use a scan or lines program");
        }
        int overlap = program.framing() == Framing.MATCHES ? program.overlap() : 0;
        int capacity = Math.min(c.maxChunk, settings.chunkBytes());
        if (capacity <= overlap) {
            throw new IOException("a chunk of " + capacity + " bytes cannot hold the " + (overlap + 1) + " bytes of"
                + " the longest pattern: raise the source's chunk size (chunk-bytes)");
        }
        if (c.stream == null && !openDecompressed(c)) {
            return false;
        }
        VyreTenant tenant = holder.tenant();
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
            return corrupt(c, e);
        }
        if (eof) {
            c.closeStream();
            c.eof = true;
        }
        if (n == 0) {
            tenant.releaseLane(lane);
            c.carry = NO_BYTES;
            return false;
        }
        int own = n;
        int flags = 0;
        byte[] carry = NO_BYTES;
        if (program.framing() == Framing.MATCHES) {
            own = eof ? n : n - overlap;
            carry = new byte[n - own];
            lane.ingest().buffer().getBytes(own, carry);
        } else {
            flags = StandardPrograms.TAIL | (eof ? StandardPrograms.FINAL : 0);
        }
        long seq = publishStaged(tenant, lane, n, flags);
        // for lines, what the kernel does not frame comes back from the lane when the chunk is done
        c.carry = carry;
        long taken = c.compressedRead.sum();  // numBytesIn counts file bytes, as the progress against file sizes
        bytesIn.inc(taken - c.compressedCounted);
        c.compressedCounted = taken;
        c.busy = program.framing() == Framing.LINES;
        c.inFlight++;
        inFlight.add(new Chunk(c, c.next, c.next, own, n, flags, c.skip, lane, seq));
        PipelineStages.chunkIssued();
        c.skip = 0;
        if (program.framing() == Framing.MATCHES) {
            c.next += own;
            if (c.lastStart < c.next) {
                c.lastStart = VyreFileSplit.NONE;  // later chunks start past the restored key
            }
        }
        return true;
    }

    /** Opens a compressed split's stream and skips to its position (a restore decompresses from the start). */
    private boolean openDecompressed(SplitCursor c) throws IOException {
        try {
            c.stream = new PushbackInputStream(c.compression.open(Path.of(c.split.path()), c.compressedRead), 1);
            if (c.next > 0) {
                LOG.info("{}: resuming at decompressed byte {} (decompressing and skipping what comes before)",
                    c.split.path(), c.next);
                try {
                    c.stream.skipNBytes(c.next);
                } catch (EOFException e) {
                    c.closeStream();
                    return unreadable(c, "it decompresses to fewer than the " + c.next + " bytes already read from it"
                        + " (replaced or truncated underneath?)", e);
                }
            }
            c.carry = NO_BYTES;
            if (c.next > 0) {
                c.compressedCounted = c.compressedRead.sum();  // what a restore skips was counted before it
            }
            return true;
        } catch (NoSuchFileException e) {
            c.closeStream();
            return unreadable(c, GONE, e);
        } catch (Compression.DecoderUnavailableException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            c.closeStream();
            return corrupt(c, e);
        }
    }

    /**
     * Compressed data that cannot be decoded: fails the job, or with skip-unreadable-files ends the split where
     * it broke, keeping the chunks before it (they are in flight or emitted, and their bytes were good).
     */
    private boolean corrupt(SplitCursor c, Exception e) throws IOException {
        String message = "cannot read " + c.split.path() + ": its " + c.compression + " data is corrupt or truncated ("
            + reason(e) + ")";
        if (!skipUnreadable) {
            throw new IOException(message + " (set skip-unreadable-files to skip such files instead)", e);
        }
        LOG.warn("{}; skipping the rest of split {} after decompressed byte {}", message, c.id(), c.next);
        c.closeStream();
        c.carry = NO_BYTES;
        c.eof = true;
        return false;
    }

    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private boolean tryIssue(SplitCursor c) throws IOException, InterruptedException {
        if (produced >= recordLimit && !c.split.isTail()) {
            // the limit is reached: the rest of the split is not needed
            if (!c.compression.compressed()) {
                c.next = Math.max(c.next, c.split.end());
            } else if (!c.busy) {
                c.closeStream();  // next stays in decompressed bytes, where the emitted records put it
                c.eof = true;
            }
        }
        if (c.exhausted() || c.busy || produced >= recordLimit) {
            return false;
        }
        if (c.compression.compressed()) {
            return issueDecompressed(c);
        }
        long[] file;
        try {
            file = holder.file(c.split.path(), c.split.isTail());
        } catch (NoSuchFileException e) {
            return unreadable(c, GONE, e);
        } catch (IOException e) {
            return unreadable(c, reason(e), e);
        }
        int handle = (int) file[0];
        long size = file[1];
        boolean quiet = c.split.isTail() && c.quiet(size);
        if (c.split.isTail() && size == c.stalledAtSize && !(quiet && c.finalAtSize != size)) {
            return false;
        }
        if (!c.split.isTail() && size < Math.min(c.split.end(), c.next + 1)) {
            return unreadable(c, "it is " + size + " bytes, shorter than the " + c.split.end()
                + " it had when it was listed (truncated underneath?)", null);
        }
        if (program.framing() == Framing.MATCHES) {
            return issueMatches(c, handle, size, quiet);
        }
        return issueLines(c, handle, size, quiet);
    }

    /** @param quiet a tailed file that stopped growing: its end is scanned (else held back for what may follow) */
    private boolean issueMatches(SplitCursor c, int handle, long size, boolean quiet) throws InterruptedException {
        int overlap = program.overlap();
        long limitEnd = c.split.isTail() ? (quiet ? size : size - overlap) : c.split.end();
        long own = Math.min(Math.max(MIN_CHUNK, c.maxChunk - overlap), limitEnd - c.next);
        if (own <= 0) {
            return false;
        }
        int count = (int) Math.min(own + overlap, size - c.next);
        int skip = c.skip;
        c.skip = 0;
        publish(c, c.next, c.next, (int) own, count, 0, skip, handle);
        c.next += own;
        if (c.lastStart < c.next) {
            c.lastStart = VyreFileSplit.NONE;  // later chunks start past the restored key
        }
        return true;
    }

    private boolean issueLines(SplitCursor c, int handle, long size, boolean quiet) throws InterruptedException {
        boolean inside = c.next == c.split.start() && c.split.start() > 0;
        long readFrom = inside ? c.next - 1 : c.next;
        long available = size - readFrom;
        if (available <= 0 || (c.split.isTail() && available <= (inside ? 1 : 0))) {
            return false;
        }
        int count = (int) Math.min(c.maxChunk, available);
        boolean last = (!c.split.isTail() || quiet) && readFrom + count == size;
        if (last && c.split.isTail()) {
            c.finalAtSize = size;  // the unterminated last line goes out with this chunk
        }
        int flags = StandardPrograms.TAIL | (inside ? StandardPrograms.STARTS_INSIDE_RECORD : 0)
            | (last ? StandardPrograms.FINAL : 0);
        long own = c.split.isTail() ? 0xFFFF_FFFFL : Math.min(0xFFFF_FFFFL, c.split.end() - readFrom);
        int skip = c.skip;
        c.skip = 0;
        c.busy = true;
        publish(c, c.next, readFrom, (int) own, count, flags, skip, handle);
        return true;
    }

    private void publish(SplitCursor c, long stateOffset, long readFrom, int own, int count, int flags, int skip, int handle)
        throws InterruptedException {
        VyreTenant tenant = holder.tenant();
        Lane lane = tenant.acquireLane();
        lane.output().reset();
        long seq = tenant.publishCall(holder.program(flags), 0, handle, (int) readFrom, (int) (readFrom >>> 32), count,
            lane.ingestHandle(), own, lane.output().handle());
        c.inFlight++;
        inFlight.add(new Chunk(c, stateOffset, readFrom, own, count, flags, skip, lane, seq));
        PipelineStages.chunkIssued();
    }

    private RecordsWithSplitIds<VyreElement<T>> complete(Chunk chunk, SlotResult result) throws IOException {
        if (chunk.packed != null) {
            return completePacked(chunk, result);
        }
        SplitCursor c = chunk.cursor;
        if (!cursors.containsKey(c.id()) || c.failed) {
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
        if (!result.ok()) {
            return failed(chunk, result);
        }
        List<VyreElement<T>> elements = program.framing() == Framing.MATCHES ? matches(chunk) : lines(chunk, result);
        Set<String> finished = new HashSet<>();
        if (c.exhausted() && c.inFlight == 0 && !c.busy) {
            finished.add(c.id());
            cursors.remove(c.id());
            holder.release(c.split.path());
            if (elements.size() == 1 && elements.get(0).record() == null) {
                elements = List.of();  // a finished split keeps no position: no marker needed
            }
        }
        Map<String, Collection<VyreElement<T>>> records = new LinkedHashMap<>();
        records.put(c.id(), elements);
        return new RecordsBySplits<>(records, finished);
    }

    /**
     * A packed chunk's matches, split by file: a match belongs to the split it starts in and counts only if it
     * ends within that split's bytes. Every split of the chunk finishes with it. An overflowing output region
     * sends the splits back to be read one by one.
     */
    private RecordsWithSplitIds<VyreElement<T>> completePacked(Chunk chunk, SlotResult result) throws IOException {
        if (!result.ok()) {
            if (result.error() == SlotError.OUTPUT_OVERFLOW) {
                LOG.info("a chunk of {} packed files overflowed its output region; reading them one by one",
                    chunk.packed.size());
                for (Chunk.Packed p : chunk.packed) {
                    p.cursor.noPack = true;
                    p.cursor.next = p.cursor.split.start();
                }
                return new RecordsBySplits<>(Map.of(), Set.of());
            }
            throw new IOException("the megakernel failed on a chunk of " + chunk.packed.size() + " files (from "
                + chunk.cursor.split.path() + "): " + result.describe());
        }
        long[] entries = sortedMatches(chunk);
        Map<String, Collection<VyreElement<T>>> records = new LinkedHashMap<>();
        Set<String> finished = new HashSet<>();
        int i = 0;
        for (Chunk.Packed p : chunk.packed) {
            SplitCursor c = p.cursor;
            long start = c.split.start();
            long own = c.split.end() - start;
            List<VyreElement<T>> out = new ArrayList<>();
            for (; i < entries.length && (entries[i] >>> 32) < p.at + own; i++) {
                long at = entries[i] >>> 32;
                int id = (int) entries[i];
                if (at >= p.at && at + program.matchLength(id) <= p.at + p.length) {
                    long offset = start + at - p.at;
                    out.add(new VyreElement<>(program.match(c.split.path(), offset, id), start, offset, id,
                        c.split.end(), false));
                }
            }
            if (!cursors.containsKey(c.id()) || c.failed) {
                continue;
            }
            bytesIn.inc(own);
            finish(out, start, c.split.end());
            if (out.size() == 1 && out.get(0).record() == null) {
                out = List.of();  // the split finishes here: no position marker needed
            }
            records.put(c.id(), out);
            if (c.inFlight == 0) {
                finished.add(c.id());
                cursors.remove(c.id());
                holder.release(c.split.path());
            }
        }
        return new RecordsBySplits<>(records, finished);
    }

    /** The chunk's [offset, pattern id] entries as {@code offset << 32 | id}, in order of offset, then id. */
    private static long[] sortedMatches(Chunk chunk) {
        long[] entries = new long[chunk.lane.output().filledWords() / 2];
        int[] n = {0};
        chunk.lane.output().forEachMatch((offset, id) -> entries[n[0]++] = (Integer.toUnsignedLong(offset) << 32) | id);
        long[] filled = n[0] == entries.length ? entries : java.util.Arrays.copyOf(entries, n[0]);
        java.util.Arrays.sort(filled);
        return filled;
    }

    private List<VyreElement<T>> matches(Chunk chunk) {
        long[] entries = sortedMatches(chunk);
        long nextOffset = chunk.stateOffset + chunk.own;
        if (!chunk.cursor.compression.compressed()) {
            bytesIn.inc(chunk.own);
        }
        List<VyreElement<T>> out = new ArrayList<>(Math.max(1, entries.length - chunk.skip));
        String path = chunk.cursor.split.path();
        for (int i = chunk.skip; i < entries.length && (entries[i] >>> 32) < chunk.own; i++) {
            long offset = chunk.readFrom + (entries[i] >>> 32);
            int id = (int) entries[i];
            if (!chunk.emittedBefore(offset, id)) {
                out.add(new VyreElement<>(program.match(path, offset, id), chunk.stateOffset, offset, id, nextOffset,
                    false));
            }
        }
        return finish(out, chunk.stateOffset, nextOffset);
    }

    private List<VyreElement<T>> lines(Chunk chunk, SlotResult result) throws IOException {
        SplitCursor c = chunk.cursor;
        c.busy = false;
        int consumed = result.detail();
        long nextOffset = chunk.readFrom + Integer.toUnsignedLong(consumed);
        if (consumed == 0 && chunk.count == c.maxChunk && (chunk.flags & StandardPrograms.FINAL) == 0) {
            throw new IOException("a line of " + c.split.path() + " starting at byte " + chunk.readFrom + " is longer than"
                + " the chunk size (" + c.maxChunk + " bytes): raise the source's chunk size (chunk-bytes)");
        }
        if (consumed == 0 && c.split.isTail()) {
            c.stalledAtSize = chunk.readFrom + chunk.count;
        }
        boolean eof = (chunk.flags & StandardPrograms.FINAL) != 0 && Integer.toUnsignedLong(consumed) >= chunk.count;
        if (c.compression.compressed()) {
            // the unframed end (an unfinished line) goes first into the next chunk
            c.carry = new byte[chunk.count - consumed];
            chunk.lane.ingest().buffer().getBytes(consumed, c.carry);
        } else if (!c.split.isTail() && (eof || nextOffset >= c.split.end())) {
            nextOffset = Math.max(nextOffset, c.split.end());
        }
        c.next = Math.max(c.next, nextOffset);
        if (!c.compression.compressed()) {
            bytesIn.inc(Math.max(0, nextOffset - chunk.stateOffset));
        }
        List<long[]> entries = new ArrayList<>();
        chunk.lane.output().forEachRecord((offset, length, value) -> entries.add(new long[] {
            Integer.toUnsignedLong(offset), Integer.toUnsignedLong(length), value}));
        entries.sort((a, b) -> Long.compare(a[0], b[0]));
        List<VyreElement<T>> out = new ArrayList<>();
        String path = c.split.path();
        for (int i = chunk.skip; i < entries.size(); i++) {
            long[] e = entries.get(i);
            long start = chunk.readFrom + e[0];
            if (chunk.emittedBefore(start, 0)) {
                continue;
            }
            byte[] bytes = NO_BYTES;
            if (program.readsRecordBytes()) {
                bytes = new byte[(int) e[1]];
                chunk.lane.ingest().buffer().getBytes((int) e[0], bytes);
            }
            out.add(new VyreElement<>(program.record(path, start, bytes, (int) e[2]), chunk.stateOffset, start, 0, c.next,
                false));
        }
        if (c.lastStart < c.next) {
            c.lastStart = VyreFileSplit.NONE;  // the next chunk starts past the restored key
        }
        return finish(out, chunk.stateOffset, c.next);
    }

    /**
     * Marks the last element as the chunk's last (the split moves past the chunk once it is emitted); a chunk
     * with none gets a position-only marker.
     */
    private List<VyreElement<T>> finish(List<VyreElement<T>> out, long chunkStart, long nextOffset) {
        produced += out.size();
        if (out.isEmpty()) {
            out.add(new VyreElement<>(null, chunkStart, VyreFileSplit.NONE, 0, nextOffset, true));
        } else {
            VyreElement<T> last = out.get(out.size() - 1);
            out.set(out.size() - 1, new VyreElement<>(last.record(), last.chunkStart(), last.resultStart(),
                last.resultId(), last.nextOffset(), true));
        }
        return out;
    }

    private RecordsWithSplitIds<VyreElement<T>> failed(Chunk chunk, SlotResult result) throws IOException {
        SplitCursor c = chunk.cursor;
        if (result.error() == SlotError.OUTPUT_OVERFLOW && c.maxChunk / 2 >= MIN_CHUNK) {
            // too many results for one output region: re-read from this chunk with half the size
            LOG.info("{}: chunk at {} overflowed its output region; retrying with {} bytes", c.split.path(),
                chunk.stateOffset, c.maxChunk / 2);
            c.maxChunk /= 2;
            c.next = chunk.stateOffset;
            c.skip = chunk.skip;
            c.lastStart = chunk.lastStart;  // a restored key filters the re-read as it did the first read
            c.lastId = chunk.lastId;
            c.busy = false;
            discardLaterChunksOf(c);
            if (c.compression.compressed()) {
                c.rewind();
            }
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
        String lastError = c.compression.compressed() ? null
            : holder.tenant().lastIoError((int) holder.file(c.split.path(), false)[0]);
        String message = "the megakernel failed on " + c.split.path() + " at byte " + chunk.readFrom + ": "
            + result.describe() + (lastError != null ? " (" + lastError + ")" : "");
        if (skipUnreadable && (result.error() == SlotError.IO_ERROR || result.error() == SlotError.SHORT_READ)) {
            unreadable(c, message, null);
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
        throw new IOException(message);
    }

    private void discardLaterChunksOf(SplitCursor c) {
        for (Iterator<Chunk> it = inFlight.iterator(); it.hasNext(); ) {
            Chunk later = it.next();
            if (later.cursor == c) {
                it.remove();
                holder.tenant().await(later.sequence, Duration.ofMinutes(10));
                holder.tenant().releaseLane(later.lane);
                c.inFlight--;
            }
        }
    }

    /** A file that cannot be read: fail the job with the reason, or skip the rest of the split when allowed. */
    private boolean unreadable(SplitCursor c, String why, Exception cause) throws IOException {
        String message = "cannot read " + c.split.path() + ": " + why;
        if (!skipUnreadable) {
            throw new IOException(message + " (set skip-unreadable-files to skip such files instead)", cause);
        }
        LOG.warn("{}; skipping the rest of split {}", message, c.id());
        c.failed = true;
        c.next = c.split.isTail() ? c.next : c.split.end();
        c.busy = false;
        c.closeStream();
        c.eof = true;
        if (c.split.isTail() && cursors.remove(c.id()) != null) {
            c.releasePending = true;
            releaseWhenIdle(c);
        }
        return false;
    }

    /** A dropped cursor gives up its file handle once none of its chunks is in flight. */
    private void releaseWhenIdle(SplitCursor c) {
        if (c.releasePending && c.inFlight == 0) {
            c.releasePending = false;
            holder.release(c.split.path());
        }
    }

    private void idle() {
        long deadline = System.nanoTime() + pollInterval.toNanos();
        while (!wokenUp && System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.min(10, Math.max(1, pollInterval.toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void updatePending() {
        long pending = 0;
        for (SplitCursor c : cursors.values()) {
            if (c.compression.compressed()) {
                pending += c.eof ? 0 : Math.max(0, c.split.end() - c.compressedRead.sum());  // file bytes
            } else if (!c.split.isTail()) {
                pending += Math.max(0, c.split.end() - c.next);
            }
        }
        pendingBytes.set(pending);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<VyreFileSplit> change) {
        if (change instanceof SplitsAddition) {
            for (VyreFileSplit split : change.splits()) {
                if (cursors.putIfAbsent(split.splitId(), new SplitCursor(split, settings.chunkBytes(), tailFinalNanos)) == null) {
                    holder.retain(split.path());
                }
            }
        }
    }

    @Override
    public void wakeUp() {
        wokenUp = true;
    }

    @Override
    public void close() {
        for (SplitCursor c : cursors.values()) {
            c.closeStream();
        }
        VyreTenant tenant = holder.tenantOrNull();
        while (!inFlight.isEmpty()) {
            Chunk chunk = inFlight.poll();
            if (tenant != null && !tenant.isClosed()) {
                try {
                    tenant.await(chunk.sequence, Duration.ofSeconds(30));
                    tenant.releaseLane(chunk.lane);
                } catch (RuntimeException e) {
                    LOG.warn("chunk of {} did not finish while closing: {}", chunk.cursor.split.path(), e.getMessage());
                }
            }
        }
    }
}
