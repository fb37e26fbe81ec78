package io.vyre.flink.source.reader;

import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreTenant;
import io.vyre.runtime.protocol.SlotError;
import io.vyre.runtime.protocol.SlotResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small splits (whole small files, the usual log folder) packed into one chunk: when the program has a staged
 * form (matches), the reader reads up to {@link #PACK_SPLITS} of them into one lane's ingest buffer itself and
 * scans them with one CALL, so a 10 KB file costs neither a ring round trip nor a file handle of its own. Each
 * match goes to the file it starts in; a match that runs past its file's bytes into the next file's is dropped.
 */
final class PackedSmallSplits<T> {
    private static final Logger LOG = LoggerFactory.getLogger(PackedSmallSplits.class);
    /** Most splits packed into one chunk. */
    static final int PACK_SPLITS = 128;

    private final ReaderCore<T> core;

    PackedSmallSplits(ReaderCore<T> core) {
        this.core = core;
    }

    /** A fresh bounded split small enough to share a chunk with others. */
    private boolean packable(SplitCursor c) {
        VyreFileSplit split = c.split;
        return !split.isTail() && !c.streamed && !c.failed && !c.busy && !c.noPack && c.inFlight == 0
            && c.skip == 0 && c.lastStart == VyreFileSplit.NONE && c.next == split.start() && split.end() > split.start()
            && split.end() - split.start() + core.program.overlap() <= core.settings.chunkBytes() / 4;
    }

    /**
     * Reads small splits into one free lane, back to back (each with the overlap past its end, as its own
     * chunk would have), and publishes one staged CALL over them.
     *
     * @return whether a chunk went out
     */
    boolean issue() throws IOException, InterruptedException {
        if (core.produced >= core.recordLimit) {
            return false;
        }
        List<SplitCursor> candidates = new ArrayList<>();
        for (SplitCursor c : core.cursors.values()) {
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
        VyreTenant tenant = core.holder.tenant();
        Lane lane = tenant.acquireLane();
        List<Chunk.Packed> packed = new ArrayList<>(candidates.size());
        int at = 0;
        try {
            ByteBuffer ingest = lane.ingest().byteBuffer().duplicate();
            for (SplitCursor c : candidates) {
                long start = c.split.start();
                int want = (int) (c.split.end() - start + core.program.overlap());
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
            seq = core.publishStaged(tenant, lane, at, 0);
        } catch (RuntimeException e) {
            for (Chunk.Packed p : packed) {
                p.cursor.next = p.cursor.split.start();
                p.cursor.inFlight--;
            }
            throw e;
        }
        SplitCursor first = packed.get(0).cursor;
        core.inFlight.add(new Chunk(first, first.split.start(), first.split.start(), at, at, 0, 0, lane, seq, packed));
        return true;
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
            core.unreadable(c, ReaderCore.GONE, e);
            return -1;
        } catch (IOException e) {
            core.unreadable(c, ReaderCore.reason(e), e);
            return -1;
        }
        int read = into.position();
        if (start + read < c.split.end()) {
            core.unreadable(c, "it is " + (start + read) + " bytes, shorter than the " + c.split.end()
                + " it had when it was listed (truncated underneath?)", null);
            return -1;
        }
        return read;
    }

    /**
     * A packed chunk's matches, split by file: a match belongs to the split it starts in and counts only if it
     * ends within that split's bytes. Every split of the chunk finishes with it. An overflowing output region
     * sends the splits back to be read one by one.
     */
    RecordsWithSplitIds<VyreElement<T>> complete(Chunk chunk, SlotResult result) throws IOException {
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
        long[] entries = ReaderCore.sortedMatches(chunk);
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
                if (at >= p.at && at + core.program.matchLength(id) <= p.at + p.length) {
                    long offset = start + at - p.at;
                    out.add(new VyreElement<>(core.program.match(c.split.path(), offset, id), start, offset, id,
                        c.split.end(), false));
                }
            }
            if (!core.cursors.containsKey(c.id()) || c.failed) {
                continue;
            }
            core.bytesIn.inc(own);
            core.finish(out, start, c.split.end());
            if (ReaderCore.positionOnly(out)) {
                out = List.of();  // the split finishes here: no position marker needed
            }
            records.put(c.id(), out);
            if (c.inFlight == 0) {
                finished.add(c.id());
                core.finished(c);
            }
        }
        return new RecordsBySplits<>(records, finished);
    }
}
