package io.vyre.flink.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * A bounded source reader has read every split it will get (it was told there are no more and holds none):
 * once all readers said so, the enumerator stops reporting backlog, so the job's final checkpoint comes at
 * the short interval.
 */
@Internal
public final class ReaderFinishedEvent implements SourceEvent {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean equals(Object o) {
        return o instanceof ReaderFinishedEvent;
    }

    @Override
    public int hashCode() {
        return ReaderFinishedEvent.class.hashCode();
    }

    @Override
    public String toString() {
        return "ReaderFinishedEvent";
    }
}
