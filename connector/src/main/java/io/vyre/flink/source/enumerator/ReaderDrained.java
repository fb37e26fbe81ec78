package io.vyre.flink.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * A reader's report to the enumerator: it has finished every split it held. A bounded source reports backlog until
 * every reader has (see {@link VyreFileEnumerator}).
 */
@Internal
public final class ReaderDrained implements SourceEvent {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean equals(Object o) {
        return o instanceof ReaderDrained;
    }

    @Override
    public int hashCode() {
        return ReaderDrained.class.hashCode();
    }

    @Override
    public String toString() {
        return "ReaderDrained";
    }
}
