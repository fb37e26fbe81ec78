package io.vyre.flink.source.reader;

import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreTenant;
import io.vyre.runtime.memory.OutputRegion;
import io.vyre.runtime.protocol.OutputRegionDescriptor;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the split reader and its parts share: the splits being read (their cursors), the chunks in flight in
 * issue order, publishing a chunk, the records produced so far, and the policy for files that cannot be read.
 * Used from the split reader's (fetcher) thread only.
 */
final class ReaderCore<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ReaderCore.class);
    static final String GONE = "it no longer exists (deleted after it was listed?)";

    final RuntimeHolder holder;
    final VyreProgram<T> program;
    final VyreRuntimeSettings settings;
    final Counter bytesIn;
    final boolean skipUnreadable;
    /** LIMIT push-down: once this many records are produced, bounded splits end unread (Flink applies the limit). */
    final long recordLimit;
    long produced;
    final LinkedHashMap<String, SplitCursor> cursors = new LinkedHashMap<>();
    final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();

    ReaderCore(RuntimeHolder holder, VyreProgram<T> program, VyreRuntimeSettings settings, Counter bytesIn,
               boolean skipUnreadable, long recordLimit) {
        this.holder = holder;
        this.program = program;
        this.settings = settings;
        this.bytesIn = bytesIn;
        this.skipUnreadable = skipUnreadable;
        this.recordLimit = recordLimit;
    }

    boolean lanesFree() {
        return inFlight.size() < settings.lanes();
    }

    /** Publishes a chunk the kernel reads from the file {@code handle} itself (a CALL of the program for {@code flags}). */
    void publish(SplitCursor c, long stateOffset, long readFrom, int own, int count, int flags, int skip, int handle)
        throws InterruptedException {
        VyreTenant tenant = holder.tenant();
        Lane lane = tenant.acquireLane();
        lane.output().reset();
        long seq = tenant.publishCall(holder.program(flags), 0, handle, (int) readFrom, (int) (readFrom >>> 32), count,
            lane.ingestHandle(), own, lane.output().handle());
        c.inFlight++;
        inFlight.add(new Chunk(c, stateOffset, readFrom, own, count, flags, skip, lane, seq));
    }

    /**
     * Publishes the staged program over the first {@code bytes} of {@code lane}'s ingest buffer, which the reader
     * filled; gives the lane back if that fails.
     *
     * @return the slot's sequence
     */
    long publishStaged(VyreTenant tenant, Lane lane, int bytes, int flags) {
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
     * Marks the last element as the chunk's last (the split moves past the chunk once it is emitted); a chunk
     * with none gets a position-only marker.
     */
    List<VyreElement<T>> finish(List<VyreElement<T>> out, long chunkStart, long nextOffset) {
        produced += out.size();
        if (out.isEmpty()) {
            out.add(new VyreElement<>(null, chunkStart, VyreFileSplit.NONE, 0, nextOffset, true));
        } else {
            out.get(out.size() - 1).asLast();
        }
        return out;
    }

    /** Whether a chunk's elements are only its position-only marker ({@link MatchRecords} always holds matches). */
    static <T> boolean positionOnly(Collection<VyreElement<T>> elements) {
        return elements instanceof List<VyreElement<T>> list && list.size() == 1 && list.get(0).record() == null;
    }

    /** A file that cannot be read: fail the job with the reason, or skip the rest of the split when allowed. */
    boolean unreadable(SplitCursor c, String why, Exception cause) throws IOException {
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
    void releaseWhenIdle(SplitCursor c) {
        if (c.releasePending && c.inFlight == 0) {
            c.releasePending = false;
            holder.release(c.split);
        }
    }

    /** A split that is done: it leaves the reader and gives up its file handle. */
    void finished(SplitCursor c) {
        cursors.remove(c.id());
        holder.release(c.split);
    }

    static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** A finished chunk's [offset, pattern id] entries as {@code offset << 32 | id}, in order of offset, then id. */
    static long[] sortedMatches(Chunk chunk) {
        OutputRegion output = chunk.lane.output();
        int words = output.filledWords();  // read once: the kernel is done with the region, nothing may move it now
        long[] entries = new long[words / OutputRegionDescriptor.MATCH_ENTRY_WORDS];
        int[] n = {0};
        output.forEachMatch(words, (offset, id) -> entries[n[0]++] = (Integer.toUnsignedLong(offset) << 32)
            | Integer.toUnsignedLong(id));
        int after = output.filledWords();
        if (after != words) {
            // a result written after its slot was DONE: emitting either count could lose or invent occurrences
            String what = chunk.packed == null ? chunk.cursor.split.path() + " from byte " + chunk.readFrom
                : chunk.packed.size() + " packed small files";
            throw new IllegalStateException("the output region (handle " + output.handle() + ") of the chunk of "
                + what + " held " + words + " words when its slot was done and " + after + " while they were read:"
                + " results were written after the kernel completed the chunk. Nothing of the chunk is emitted; the"
                + " task fails so that Flink restarts it from its last checkpoint. The CUDA backend did this with dense"
                + " matches (docs/BENCHMARKS.md, 2026-12-02); where it happens, run the source on the CPU backend");
        }
        Arrays.sort(entries);
        return entries;
    }
}
