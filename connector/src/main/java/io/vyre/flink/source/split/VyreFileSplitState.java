package io.vyre.flink.source.split;

import org.apache.flink.annotation.Internal;
/** The mutable position of a split while its reader emits it; checkpointed as a {@link VyreFileSplit}. */
@Internal
public final class VyreFileSplitState {
    private final VyreFileSplit split;
    private long offset;
    private int skip;
    private long lastStart;
    private int lastId;

    public VyreFileSplitState(VyreFileSplit split) {
        this.split = split;
        this.offset = split.offset();
        this.skip = split.skip();
        this.lastStart = split.lastStart();
        this.lastId = split.lastId();
    }

    /** A result of the chunk at {@code chunkStart}, keyed {@code (resultStart, id)}, was emitted. */
    public void emitted(long chunkStart, long resultStart, int id) {
        offset = chunkStart;
        skip = 0;
        lastStart = resultStart;
        lastId = id;
    }

    /** Every result below {@code nextOffset} has been emitted. */
    public void advanceTo(long nextOffset) {
        offset = nextOffset;
        skip = 0;
        lastStart = VyreFileSplit.NONE;
        lastId = 0;
    }

    public VyreFileSplit toSplit() {
        return skip > 0 ? split.at(offset, skip) : split.at(offset, lastStart, lastId);
    }

    public long offset() {
        return offset;
    }
}
