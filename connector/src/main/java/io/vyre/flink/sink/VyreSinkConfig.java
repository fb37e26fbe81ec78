package io.vyre.flink.sink;

import io.vyre.flink.runtime.VyreRuntimeSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;

/**
 * Everything a sink writer needs, serializable. {@code rolloverInterval} and {@code inactivityInterval} are null
 * when off; {@code bucketAssignerAny} is null when every part file goes into the directory itself.
 */
record VyreSinkConfig(String directory, RecordEncoder<?> encoderAny, ArrayList<byte[]> redactPatternsList,
                      boolean ignoreCase, byte mask, VyreRuntimeSettings settings, long maxPartBytes,
                      Duration rolloverInterval, Duration inactivityInterval, BucketAssigner<?, String> bucketAssignerAny)
    implements Serializable {

    @SuppressWarnings("unchecked")
    <IN> RecordEncoder<IN> encoder() {
        return (RecordEncoder<IN>) encoderAny;
    }

    @SuppressWarnings("unchecked")
    <IN> BucketAssigner<IN, String> bucketAssigner() {
        return (BucketAssigner<IN, String>) bucketAssignerAny;
    }

    List<byte[]> redactPatterns() {
        return redactPatternsList;
    }
}
