package io.vyre.flink.sink;

import io.vyre.flink.runtime.VyreRuntimeSettings;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;

/**
 * Everything a sink writer needs, serializable. {@code stagingRoot} is null for the JVM's {@code java.io.tmpdir}. {@code rolloverInterval} and {@code inactivityInterval} are null
 * when off; {@code bucketAssignerAny} is null when every part file goes into the directory itself.
 */
record VyreSinkConfig(String directory, String stagingRoot, RecordEncoder<?> encoderAny, ArrayList<byte[]> redactPatternsList,
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

    /** On another file system than the local one: part files are staged locally and uploaded ({@link RemoteParts}). */
    boolean remote() {
        return RemoteParts.isRemote(directory);
    }

    /** Where the megakernel writes a writer attempt's part files: the directory, or its staging folder. */
    Path localDirectory(String jobId, int subtask, int attempt) {
        return remote() ? RemoteParts.staging(stagingRoot, directory, jobId, subtask, attempt) : Path.of(directory);
    }
}
