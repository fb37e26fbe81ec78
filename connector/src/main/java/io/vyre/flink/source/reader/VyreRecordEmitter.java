package io.vyre.flink.source.reader;

import io.vyre.flink.source.split.VyreFileSplitState;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;

/**
 * Emits records and moves the split's checkpointed position record by record. A chunk without results
 * reaches it as a position-only marker (so a checkpoint after it restores past the chunk, in order with the
 * records of the chunks before it); Flink's reader counted the marker in {@code numRecordsIn}, so the
 * emitter takes it back out: the metric counts records.
 */
final class VyreRecordEmitter<T> implements RecordEmitter<VyreElement<T>, T, VyreFileSplitState> {
    private final Counter numRecordsIn;

    /** @param numRecordsIn the reader's {@code numRecordsIn}, which Flink's reader base advances per element */
    VyreRecordEmitter(Counter numRecordsIn) {
        this.numRecordsIn = numRecordsIn;
    }

    @Override
    public void emitRecord(VyreElement<T> element, SourceOutput<T> output, VyreFileSplitState state) {
        if (element.record() != null) {
            output.collect(element.record());
        } else {
            numRecordsIn.dec();
        }
        if (element.last()) {
            state.advanceTo(element.nextOffset());
        } else {
            state.emitted(element.chunkStart(), element.resultStart(), element.resultId());
        }
    }
}
