package io.vyre.flink.source.reader;

/**
 * What the split reader hands to the emitter: a record (or none, for a chunk that produced nothing) and
 * where the split stands once it is emitted.
 *
 * @param record     the record, or {@code null} for a position-only marker
 * @param chunkStart the split offset of the chunk the record came from
 * @param index      the record's index among the chunk's (sorted) results
 * @param nextOffset where the split continues once the chunk is done
 * @param last       whether this is the chunk's last element
 */
record VyreElement<T>(T record, long chunkStart, int index, long nextOffset, boolean last) {
}
