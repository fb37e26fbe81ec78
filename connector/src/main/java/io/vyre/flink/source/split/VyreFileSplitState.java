package io.vyre.flink.source.split;

/** The mutable position of a split while its reader emits it; checkpointed as a {@link VyreFileSplit}. */
public final class VyreFileSplitState {
    private final VyreFileSplit split;
    private long offset;
    private int skip;

    public VyreFileSplitState(VyreFileSplit split) {
        this.split = split;
        this.offset = split.offset();
        this.skip = split.skip();
    }

    /** A record of the chunk at {@code chunkStart} was emitted; it was the {@code index}-th of that chunk. */
    public void emitted(long chunkStart, int index) {
        offset = chunkStart;
        skip = index + 1;
    }

    /** Every result below {@code nextOffset} has been emitted. */
    public void advanceTo(long nextOffset) {
        offset = nextOffset;
        skip = 0;
    }

    public VyreFileSplit toSplit() {
        return split.at(offset, skip);
    }

    public long offset() {
        return offset;
    }
}
