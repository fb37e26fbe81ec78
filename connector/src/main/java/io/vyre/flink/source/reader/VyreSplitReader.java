package io.vyre.flink.source.reader;

import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.program.VyreProgram.Framing;
import io.vyre.flink.runtime.PipelineStages.Stage;
import io.vyre.flink.runtime.RuntimeMetrics;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.VyreTenant;
import io.vyre.runtime.protocol.SlotError;
import io.vyre.runtime.protocol.SlotResult;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
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
 * <p>This class schedules: which split's chunk goes out next, what comes back, and what a failed chunk
 * means. How a chunk is cut and decoded is the program's framing ({@link MatchFraming}, {@link LineFraming});
 * small files are packed into shared chunks ({@link PackedSmallSplits}); compressed files and files of other file
 * systems are streamed on this thread ({@link StreamedSplits}). What they share is {@link ReaderCore}.
 */
final class VyreSplitReader<T> implements SplitReader<VyreElement<T>, VyreFileSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(VyreSplitReader.class);

    private final ReaderCore<T> core;
    private final ChunkFraming<T> framing;
    private final PackedSmallSplits<T> packed;
    private final StreamedSplits<T> streamed;
    private final RuntimeHolder holder;
    private final RuntimeMetrics metrics;
    private final AtomicLong pendingBytes;
    private final Duration pollInterval;
    private final long tailFinalNanos;
    private volatile boolean wokenUp;

    VyreSplitReader(RuntimeHolder holder, VyreProgram<T> program, VyreRuntimeSettings settings, RuntimeMetrics metrics,
                    Counter bytesIn, AtomicLong pendingBytes, boolean skipUnreadable, Duration pollInterval,
                    Duration tailFinalAfter, long recordLimit) {
        this.core = new ReaderCore<>(holder, program, settings, bytesIn, skipUnreadable, recordLimit);
        this.framing = ChunkFraming.of(core);
        this.packed = program.framing() == Framing.MATCHES && program.stagedProgram(0) != null
            ? new PackedSmallSplits<>(core) : null;
        this.streamed = new StreamedSplits<>(core, framing);
        this.holder = holder;
        this.metrics = metrics;
        this.pendingBytes = pendingBytes;
        this.pollInterval = pollInterval;
        this.tailFinalNanos = tailFinalAfter.toNanos();
    }

    @Override
    public RecordsWithSplitIds<VyreElement<T>> fetch() throws IOException {
        wokenUp = false;
        long t = System.nanoTime();
        try {
            int before = core.inFlight.size();
            issue();
            if (core.inFlight.size() > before) {
                metrics.stages().chunkIssued(t);
            }
            t = metrics.stages().since(Stage.SOURCE_ISSUE, t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while issuing chunks", e);
        }
        updatePending();
        if (core.inFlight.isEmpty()) {
            Set<String> finished = finishedWithoutWork();
            if (finished.isEmpty() && !core.cursors.isEmpty()) {
                idle();
            }
            return new RecordsBySplits<>(Map.of(), finished);
        }
        Chunk chunk = core.inFlight.poll();
        SlotResult result;
        try {
            result = holder.tenant().await(chunk.sequence, Duration.ofMinutes(10));
        } finally {
            for (SplitCursor c : chunk.cursors()) {
                c.inFlight--;
                core.releaseWhenIdle(c);
            }
        }
        t = metrics.stages().since(Stage.SOURCE_KERNEL, t);
        metrics.stages().chunkDone(chunk.count, chunk.issuedNanos);
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
        for (SplitCursor c : new ArrayList<>(core.cursors.values())) {
            if (c.exhausted() && c.inFlight == 0 && !c.busy) {
                finished.add(c.id());
                core.finished(c);
            }
        }
        return finished;
    }

    /** Issues chunks while lanes are free: packs of small splits first, then round-robin over the others. */
    private void issue() throws IOException, InterruptedException {
        if (packed != null) {
            while (core.lanesFree() && packed.issue()) {
                // one packed chunk per free lane while small splits wait
            }
        }
        boolean progress = true;
        while (progress && core.lanesFree()) {
            progress = false;
            for (SplitCursor c : new ArrayList<>(core.cursors.values())) {
                if (!core.lanesFree()) {
                    break;
                }
                if (!c.failed && tryIssue(c)) {
                    progress = true;
                }
            }
        }
    }

    private boolean tryIssue(SplitCursor c) throws IOException, InterruptedException {
        if (core.produced >= core.recordLimit && !c.split.isTail()) {
            // the limit is reached: the rest of the split is not needed
            if (!c.streamed) {
                c.next = Math.max(c.next, c.split.end());
            } else if (!c.busy) {
                c.closeStream();  // next stays in stream bytes, where the emitted records put it
                c.eof = true;
            }
        }
        if (c.exhausted() || c.busy || core.produced >= core.recordLimit) {
            return false;
        }
        if (c.streamed) {
            return streamed.issue(c);
        }
        long[] file;
        try {
            file = holder.file(c.split, c.split.isTail());
        } catch (NoSuchFileException e) {
            return core.unreadable(c, ReaderCore.GONE, e);
        } catch (IOException e) {
            return core.unreadable(c, ReaderCore.reason(e), e);
        }
        if (file == null) {
            c.ended = true;  // a tailed file rotated away and deleted before this split read it again
            return false;
        }
        int handle = (int) file[0];
        long size = file[1];
        if (c.split.isTail() && size < c.next && c.inFlight == 0 && !c.busy) {
            // the file shrank under its own identity: truncated in place (copytruncate rotation); read it anew
            LOG.info("{}: tailed file shrank from {} to {} bytes (truncated, as copytruncate rotation does); reading"
                + " it again from its start", c.split.path(), c.next, size);
            c.restartTail();
        }
        boolean quiet = c.split.isTail() && c.quiet(size);
        if (quiet && c.next >= size && c.inFlight == 0 && !c.busy && c.goneFor(holder.renamedOrGone(c.split))) {
            LOG.info("{}: tailed file was renamed or deleted and is read to its end ({} bytes); its split ends",
                c.split.path(), size);
            c.ended = true;
            return false;
        }
        if (c.split.isTail() && size == c.stalledAtSize && !(quiet && c.finalAtSize != size)) {
            return false;
        }
        if (!c.split.isTail() && size < Math.min(c.split.end(), c.next + 1)) {
            return core.unreadable(c, "it is " + size + " bytes, shorter than the " + c.split.end()
                + " it had when it was listed (truncated underneath?)", null);
        }
        return framing.issue(c, handle, size, quiet);
    }

    private RecordsWithSplitIds<VyreElement<T>> complete(Chunk chunk, SlotResult result) throws IOException {
        if (chunk.packed != null) {
            return packed.complete(chunk, result);
        }
        SplitCursor c = chunk.cursor;
        if (!core.cursors.containsKey(c.id()) || c.failed) {
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
        if (!result.ok()) {
            return failed(chunk, result);
        }
        Collection<VyreElement<T>> elements = framing.decode(chunk, result);
        Set<String> finished = new HashSet<>();
        if (c.exhausted() && c.inFlight == 0 && !c.busy) {
            finished.add(c.id());
            core.finished(c);
            if (ReaderCore.positionOnly(elements)) {
                elements = List.of();  // a finished split keeps no position: no marker needed
            }
        }
        Map<String, Collection<VyreElement<T>>> records = new LinkedHashMap<>();
        records.put(c.id(), elements);
        return new RecordsBySplits<>(records, finished);
    }

    private RecordsWithSplitIds<VyreElement<T>> failed(Chunk chunk, SlotResult result) throws IOException {
        SplitCursor c = chunk.cursor;
        if (result.error() == SlotError.OUTPUT_OVERFLOW && c.maxChunk / 2 >= SplitCursor.MIN_CHUNK) {
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
            if (c.streamed) {
                c.rewind();
            }
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
        String lastError = c.streamed ? null
            : lastIoError(c.split);
        String message = "the megakernel failed on " + c.split.path() + " at byte " + chunk.readFrom + ": "
            + result.describe() + (lastError != null ? " (" + lastError + ")" : "");
        if (core.skipUnreadable && (result.error() == SlotError.IO_ERROR || result.error() == SlotError.SHORT_READ)) {
            core.unreadable(c, message, null);
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
        throw new IOException(message);
    }

    private String lastIoError(VyreFileSplit split) throws IOException {
        long[] file = holder.file(split, false);
        return file == null ? null : holder.tenant().lastIoError((int) file[0]);
    }

    private void discardLaterChunksOf(SplitCursor c) {
        for (Iterator<Chunk> it = core.inFlight.iterator(); it.hasNext(); ) {
            Chunk later = it.next();
            if (later.cursor == c) {
                it.remove();
                holder.tenant().await(later.sequence, Duration.ofMinutes(10));
                holder.tenant().releaseLane(later.lane);
                c.inFlight--;
            }
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
        for (SplitCursor c : core.cursors.values()) {
            if (c.streamed) {
                pending += c.eof ? 0 : Math.max(0, c.split.end() - c.fileBytesRead.sum());  // file bytes
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
                if (core.cursors.putIfAbsent(split.splitId(),
                    new SplitCursor(split, core.settings.chunkBytes(), tailFinalNanos)) == null) {
                    holder.retain(split);
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
        metrics.stages().readerClosed();
        for (SplitCursor c : core.cursors.values()) {
            c.closeStream();
        }
        VyreTenant tenant = holder.tenantOrNull();
        while (!core.inFlight.isEmpty()) {
            Chunk chunk = core.inFlight.poll();
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
