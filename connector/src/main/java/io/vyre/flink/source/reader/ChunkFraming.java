package io.vyre.flink.source.reader;

import io.vyre.flink.program.VyreProgram.Framing;
import io.vyre.runtime.Lane;
import io.vyre.runtime.protocol.SlotResult;
import java.io.IOException;
import java.util.Collection;

/**
 * How a program's framing cuts a split into chunks and turns a finished chunk's results into records: one
 * implementation per framing ({@link MatchFraming}, {@link LineFraming}); the split reader schedules chunks,
 * whichever the framing.
 */
interface ChunkFraming<T> {
    static <T> ChunkFraming<T> of(ReaderCore<T> core) {
        return core.program.framing() == Framing.MATCHES ? new MatchFraming<>(core) : new LineFraming<>(core);
    }

    /** Bytes a chunk reads past what it owns, so that a match across the boundary is found in one chunk (lines: 0). */
    int overlap();

    /**
     * Publishes the next chunk of {@code c}, read by the kernel from the file {@code handle} of {@code size} bytes
     * now; {@code quiet}: a tailed file that stopped growing, whose end is scanned too.
     *
     * @return whether a chunk went out
     */
    boolean issue(SplitCursor c, int handle, long size, boolean quiet) throws InterruptedException;

    /** How a chunk of {@code n} bytes the reader staged in {@code lane} (decompressed) is cut. */
    StagedCut cut(Lane lane, int n, boolean eof);

    /** Moves {@code c} on once a staged chunk cut as {@code cut} went out. */
    void staged(SplitCursor c, StagedCut cut);

    /** The records of a finished chunk, in order (a position-only marker when it has none). */
    Collection<VyreElement<T>> decode(Chunk chunk, SlotResult result) throws IOException;

    /**
     * A staged chunk's cut: the bytes it owns, its program flags and the bytes that go first into the next chunk
     * (known now for matches; for lines what the kernel did not frame comes back when the chunk is done).
     */
    record StagedCut(int own, int flags, byte[] carry) {
    }
}
