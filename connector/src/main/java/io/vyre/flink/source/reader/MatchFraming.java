package io.vyre.flink.source.reader;

import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.Lane;
import io.vyre.runtime.protocol.SlotResult;
import java.util.ArrayList;
import java.util.Collection;

/**
 * Matches: each chunk owns a byte range of the split and reads the longest pattern's length - 1 bytes past it,
 * so that every match starting in the range is found there and nowhere else. A tailed file's last bytes are
 * held back until the file is quiet (more may complete a match), then scanned to the end.
 */
final class MatchFraming<T> implements ChunkFraming<T> {
    private static final int MIN_CHUNK = SplitCursor.MIN_CHUNK;

    private final ReaderCore<T> core;

    MatchFraming(ReaderCore<T> core) {
        this.core = core;
    }

    @Override
    public int overlap() {
        return core.program.overlap();
    }

    @Override
    public boolean issue(SplitCursor c, int handle, long size, boolean quiet) throws InterruptedException {
        int overlap = overlap();
        long limitEnd = c.split.isTail() ? (quiet ? size : size - overlap) : c.split.end();
        long own = Math.min(Math.max(MIN_CHUNK, c.maxChunk - overlap), limitEnd - c.next);
        if (own <= 0) {
            return false;
        }
        int count = (int) Math.min(own + overlap, size - c.next);
        int skip = c.skip;
        c.skip = 0;
        core.publish(c, c.next, c.next, (int) own, count, 0, skip, handle);
        advance(c, own);
        return true;
    }

    @Override
    public StagedCut cut(Lane lane, int n, boolean eof) {
        int own = eof ? n : n - overlap();
        byte[] carry = new byte[n - own];
        lane.ingest().buffer().getBytes(own, carry);
        return new StagedCut(own, 0, carry);
    }

    @Override
    public void staged(SplitCursor c, StagedCut cut) {
        c.carry = cut.carry();
        advance(c, cut.own());
    }

    private static void advance(SplitCursor c, long own) {
        c.next += own;
        if (c.lastStart < c.next) {
            c.lastStart = VyreFileSplit.NONE;  // later chunks start past the restored key
        }
    }

    @Override
    public Collection<VyreElement<T>> decode(Chunk chunk, SlotResult result) {
        long[] entries = ReaderCore.sortedMatches(chunk);
        long nextOffset = chunk.stateOffset + chunk.own;
        if (!chunk.cursor.streamed) {
            core.bytesIn.inc(chunk.own);
        }
        // the entries are in key order: those emitted before a restore come first, those past the range last
        int from = chunk.skip;
        while (from < entries.length && chunk.emittedBefore(chunk.readFrom + (entries[from] >>> 32), (int) entries[from])) {
            from++;
        }
        int to = from;
        while (to < entries.length && (entries[to] >>> 32) < chunk.own) {
            to++;
        }
        if (from == to) {
            return core.finish(new ArrayList<>(1), chunk.stateOffset, nextOffset);
        }
        core.produced += to - from;
        return new MatchRecords<>(core.program, chunk.cursor.split.path(), entries, from, to, chunk.readFrom,
            chunk.stateOffset, nextOffset);
    }
}
