package io.vyre.flink.source.reader;

/**
 * What the split reader hands to the emitter: a record (or none, for a chunk that produced nothing) and
 * where the split stands once it is emitted.
 *
 * <p>A chunk's matches reach the emitter through one element that {@link MatchRecords} refills for each of
 * them: Flink's reader base hands every element to the emitter before it asks for the next one, and the
 * emitter keeps none. Other elements are made once and never change.
 */
final class VyreElement<T> {
    private T record;
    private long chunkStart;
    private long resultStart;
    private int resultId;
    private long nextOffset;
    private boolean last;

    /** An element to be {@link #set} before it is handed over. */
    VyreElement() {
    }

    /**
     * @param record      the record, or {@code null} for a position-only marker
     * @param chunkStart  the split offset of the chunk the record came from
     * @param resultStart the record's key: the file offset where its result starts
     * @param resultId    and its pattern id (0 for lines), the key's second part
     * @param nextOffset  where the split continues once the chunk is done
     * @param last        whether this is the chunk's last element
     */
    VyreElement(T record, long chunkStart, long resultStart, int resultId, long nextOffset, boolean last) {
        set(record, chunkStart, resultStart, resultId, nextOffset, last);
    }

    VyreElement<T> set(T record, long chunkStart, long resultStart, int resultId, long nextOffset, boolean last) {
        this.record = record;
        this.chunkStart = chunkStart;
        this.resultStart = resultStart;
        this.resultId = resultId;
        this.nextOffset = nextOffset;
        this.last = last;
        return this;
    }

    T record() {
        return record;
    }

    long chunkStart() {
        return chunkStart;
    }

    long resultStart() {
        return resultStart;
    }

    int resultId() {
        return resultId;
    }

    long nextOffset() {
        return nextOffset;
    }

    boolean last() {
        return last;
    }

    /** This element as its chunk's last: the split moves past the chunk once it is emitted. */
    VyreElement<T> asLast() {
        last = true;
        return this;
    }
}
