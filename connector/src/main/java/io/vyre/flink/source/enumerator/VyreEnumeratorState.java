package io.vyre.flink.source.enumerator;

import io.vyre.flink.source.split.VyreFileSplit;
import java.util.List;
import java.util.Set;
import org.apache.flink.annotation.Internal;

/**
 * What the enumerator checkpoints: the files it has already turned into splits (so a monitored directory
 * never hands a file out twice) and the splits no reader holds yet.
 */
@Internal
public record VyreEnumeratorState(Set<String> knownFiles, List<VyreFileSplit> unassigned) {
    public VyreEnumeratorState {
        knownFiles = Set.copyOf(knownFiles);
        unassigned = List.copyOf(unassigned);
    }
}
