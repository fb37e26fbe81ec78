package io.vyre.flink.sink;

/**
 * What a sink writer checkpoints: the part files it names {@code prefix + n}, in {@code directory}, up to
 * {@code committedCounter} were handed to the committer by this checkpoint; any it opened after (hidden
 * in-progress files with a higher {@code n}) hold records the restored job writes again, so the writer
 * that restores this state deletes them, as Flink's FileSink cleans up after a failover.
 */
public record VyreWriterState(String directory, String prefix, int committedCounter) {
}
