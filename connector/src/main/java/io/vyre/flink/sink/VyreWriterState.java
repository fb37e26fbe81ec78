package io.vyre.flink.sink;

import org.apache.flink.annotation.Internal;
/**
 * What a sink writer checkpoints: the part files it names {@code prefix + n}, in {@code directory} (or in the
 * folders of its buckets under it), up to
 * {@code committedCounter} were handed to the committer by this checkpoint; any it opened after (hidden
 * in-progress files with a higher {@code n}) hold records the restored job writes again, so the writer
 * that restores this state deletes them, as Flink's FileSink cleans up after a failover.
 */
@Internal
public record VyreWriterState(String directory, String prefix, int committedCounter) {
}
