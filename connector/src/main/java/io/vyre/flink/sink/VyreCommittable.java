package io.vyre.flink.sink;

import org.apache.flink.annotation.Internal;
/**
 * A part file closed at a checkpoint, waiting to be made visible.
 *
 * @param inProgress the hidden file the writer wrote (".part-...inprogress")
 * @param target     the name it gets when the checkpoint completes
 */
@Internal
public record VyreCommittable(String inProgress, String target) {
}
