package io.vyre.flink.source.reader;

/**
 * What the split reader hands to the emitter: a record (or none, for a chunk that produced nothing) and
 * where the split stands once it is emitted.
 *
 * @param record      the record, or {@code null} for a position-only marker
 * @param chunkStart  the split offset of the chunk the record came from
 * @param resultStart the record's key: the file offset where its result starts
 * @param resultId    and its pattern id (0 for lines), the key's second part
 * @param nextOffset  where the split continues once the chunk is done
 * @param last        whether this is the chunk's last element
 */
record VyreElement<T>(T record, long chunkStart, long resultStart, int resultId, long nextOffset, boolean last) {
}
