package io.vyre.flink.source.reader;

import io.vyre.flink.source.split.VyreFileSplitState;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/** Emits records and moves the split's checkpointed position record by record. */
final class VyreRecordEmitter<T> implements RecordEmitter<VyreElement<T>, T, VyreFileSplitState> {
    @Override
    public void emitRecord(VyreElement<T> element, SourceOutput<T> output, VyreFileSplitState state) {
        if (element.record() != null) {
            output.collect(element.record());
        }
        if (element.last()) {
            state.advanceTo(element.nextOffset());
        } else {
            state.emitted(element.chunkStart(), element.index());
        }
    }
}
