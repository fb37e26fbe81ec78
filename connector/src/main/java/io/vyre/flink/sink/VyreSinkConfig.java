package io.vyre.flink.sink;

import io.vyre.flink.runtime.VyreRuntimeSettings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** Everything a sink writer needs, serializable. */
record VyreSinkConfig(String directory, RecordEncoder<?> encoderAny, ArrayList<byte[]> redactPatternsList,
                      boolean ignoreCase, byte mask, VyreRuntimeSettings settings, long maxPartBytes)
    implements Serializable {

    @SuppressWarnings("unchecked")
    <IN> RecordEncoder<IN> encoder() {
        return (RecordEncoder<IN>) encoderAny;
    }

    List<byte[]> redactPatterns() {
        return redactPatternsList;
    }
}
