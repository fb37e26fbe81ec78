package io.vyre.flink.source.reader;

import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.Lane;
import java.util.ArrayList;
import java.util.List;

/** One CALL in flight in {@link VyreSplitReader}: a chunk of one split, or a packed chunk of several small ones. */
final class Chunk {
    final SplitCursor cursor;
    final long stateOffset;
    final long readFrom;
    final int own;
    final int count;
    final int flags;
    final int skip;
    /** Results keyed at or below (lastStart, lastId) were emitted before a restore; lastStart NONE: none. */
    final long lastStart;
    final int lastId;
    final Lane lane;
    final long sequence;
    final long issuedNanos = System.nanoTime();
    /** A packed chunk: the splits whose bytes it holds, in buffer order; {@code null} for one split's chunk. */
    final List<Packed> packed;

    /** One split's bytes in a packed chunk: {@code length} bytes from buffer offset {@code at}. */
    static final class Packed {
        final SplitCursor cursor;
        final int at;
        final int length;

        Packed(SplitCursor cursor, int at, int length) {
            this.cursor = cursor;
            this.at = at;
            this.length = length;
        }
    }

    Chunk(SplitCursor cursor, long stateOffset, long readFrom, int own, int count, int flags, int skip, Lane lane,
          long sequence) {
        this(cursor, stateOffset, readFrom, own, count, flags, skip, lane, sequence, null);
    }

    Chunk(SplitCursor cursor, long stateOffset, long readFrom, int own, int count, int flags, int skip, Lane lane,
          long sequence, List<Packed> packed) {
        this.cursor = cursor;
        this.stateOffset = stateOffset;
        this.readFrom = readFrom;
        this.own = own;
        this.count = count;
        this.flags = flags;
        this.skip = skip;
        this.lastStart = cursor.lastStart;
        this.lastId = cursor.lastId;
        this.lane = lane;
        this.sequence = sequence;
        this.packed = packed;
    }

    /** The cursors with bytes in this chunk. */
    List<SplitCursor> cursors() {
        if (packed == null) {
            return List.of(cursor);
        }
        List<SplitCursor> all = new ArrayList<>(packed.size());
        for (Packed p : packed) {
            all.add(p.cursor);
        }
        return all;
    }

    /** Whether the result keyed {@code (start, id)} was emitted before the restore this chunk continues. */
    boolean emittedBefore(long start, int id) {
        return lastStart != VyreFileSplit.NONE
            && (start < lastStart || (start == lastStart && Integer.compareUnsigned(id, lastId) <= 0));
    }
}
