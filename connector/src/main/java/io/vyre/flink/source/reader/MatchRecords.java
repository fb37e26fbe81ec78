package io.vyre.flink.source.reader;

import io.vyre.flink.program.VyreProgram;
import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A chunk's matches as the split reader hands them over: its sorted {@code offset << 32 | id} entries
 * {@code [from, to)}, read one at a time through one element refilled for each (see {@link VyreElement}), the
 * record made when the emitter asks for it. The fetcher thread allocates nothing per occurrence and holds no
 * list of them; each record is made on the task's thread just before it is emitted. Never empty: a chunk
 * without matches is a position-only marker (see {@link ReaderCore#finish}).
 */
final class MatchRecords<T> extends AbstractCollection<VyreElement<T>> {
    private final VyreProgram<T> program;
    private final String path;
    private final long[] entries;
    private final int from;
    private final int to;
    private final long readFrom;
    private final long chunkStart;
    private final long nextOffset;

    /**
     * @param readFrom   the file offset of the chunk's first byte (entries' offsets count from it)
     * @param chunkStart the split offset a checkpoint restores the chunk from
     * @param nextOffset where the split continues once the chunk is done
     */
    MatchRecords(VyreProgram<T> program, String path, long[] entries, int from, int to, long readFrom, long chunkStart,
                 long nextOffset) {
        if (from >= to) {
            throw new IllegalArgumentException("no matches in [" + from + ", " + to + "): hand over a marker instead");
        }
        this.program = program;
        this.path = path;
        this.entries = entries;
        this.from = from;
        this.to = to;
        this.readFrom = readFrom;
        this.chunkStart = chunkStart;
        this.nextOffset = nextOffset;
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public Iterator<VyreElement<T>> iterator() {
        return new Iterator<>() {
            private final VyreElement<T> element = new VyreElement<>();
            private int next = from;

            @Override
            public boolean hasNext() {
                return next < to;
            }

            @Override
            public VyreElement<T> next() {
                if (next >= to) {
                    throw new NoSuchElementException();
                }
                long entry = entries[next++];
                long offset = readFrom + (entry >>> 32);
                int id = (int) entry;
                return element.set(program.match(path, offset, id), chunkStart, offset, id, nextOffset, next == to);
            }
        };
    }
}
