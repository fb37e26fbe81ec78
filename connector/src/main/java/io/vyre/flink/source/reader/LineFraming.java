package io.vyre.flink.source.reader;

import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.Lane;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.protocol.SlotResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lines: one chunk of a split in flight at a time; the kernel frames the lines that end in it and says how far
 * it got, and the next chunk starts there. A split that starts inside the file owns the lines that start in it
 * (the byte before tells). A tailed file's unterminated last line goes out once the file is quiet.
 */
final class LineFraming<T> implements ChunkFraming<T> {
    private static final byte[] NO_BYTES = SplitCursor.NO_BYTES;

    private final ReaderCore<T> core;

    LineFraming(ReaderCore<T> core) {
        this.core = core;
    }

    @Override
    public int overlap() {
        return 0;
    }

    @Override
    public boolean issue(SplitCursor c, int handle, long size, boolean quiet) throws InterruptedException {
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
        core.publish(c, c.next, readFrom, (int) own, count, flags, skip, handle);
        return true;
    }

    @Override
    public StagedCut cut(Lane lane, int n, boolean eof) {
        return new StagedCut(n, StandardPrograms.TAIL | (eof ? StandardPrograms.FINAL : 0), NO_BYTES);
    }

    @Override
    public void staged(SplitCursor c, StagedCut cut) {
        // what the kernel does not frame comes back from the lane when the chunk is done
        c.carry = cut.carry();
        c.busy = true;
    }

    @Override
    public List<VyreElement<T>> decode(Chunk chunk, SlotResult result) throws IOException {
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
        if (c.streamed) {
            // the unframed end (an unfinished line) goes first into the next chunk
            c.carry = new byte[chunk.count - consumed];
            chunk.lane.ingest().buffer().getBytes(consumed, c.carry);
        } else if (!c.split.isTail() && (eof || nextOffset >= c.split.end())) {
            nextOffset = Math.max(nextOffset, c.split.end());
        }
        c.next = Math.max(c.next, nextOffset);
        if (!c.streamed) {
            core.bytesIn.inc(Math.max(0, nextOffset - chunk.stateOffset));
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
            if (core.program.readsRecordBytes()) {
                bytes = new byte[(int) e[1]];
                chunk.lane.ingest().buffer().getBytes((int) e[0], bytes);
            }
            out.add(new VyreElement<>(core.program.record(path, start, bytes, (int) e[2]), chunk.stateOffset, start, 0,
                c.next, false));
        }
        if (c.lastStart < c.next) {
            c.lastStart = VyreFileSplit.NONE;  // the next chunk starts past the restored key
        }
        return core.finish(out, chunk.stateOffset, c.next);
    }
}
