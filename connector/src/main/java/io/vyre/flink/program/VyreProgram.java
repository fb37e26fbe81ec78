package io.vyre.flink.program;

import io.vyre.runtime.bytecode.Vir0Program;
import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What a Vyre source runs over each chunk of a file and how it turns the kernel's output into records.
 * Two framings exist, each with its calling convention (see {@link io.vyre.runtime.bytecode.StandardPrograms}):
 * <ul>
 *   <li>{@link Framing#MATCHES}: the program emits [offset, patternId] entries; chunks overlap by
 *       {@link #overlap()} bytes and each match belongs to the chunk it starts in;</li>
 *   <li>{@link Framing#LINES}: the program frames newline-delimited records and emits [offset, length,
 *       value] entries; a line belongs to the split it starts in and may be read past the split's end.</li>
 * </ul>
 * Emission order within a chunk does not matter: the reader sorts, so output is deterministic and a
 * restored reader can skip exactly what it already emitted.
 */
@PublicEvolving
public abstract class VyreProgram<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Framing { MATCHES, LINES }

    public abstract Framing framing();

    public abstract TypeInformation<T> producedType();

    /**
     * The program for one chunk. LINES programs receive the FRAME_DELIM flags of the chunk
     * (STARTS_INSIDE_RECORD, FINAL, always TAIL); MATCHES programs receive 0.
     */
    public abstract Vir0Program program(int flags);

    /** MATCHES: bytes a chunk reads past its end so that matches starting inside it are whole. */
    public int overlap() {
        return 0;
    }

    /**
     * The program over bytes the reader staged in an ingest buffer itself ({@code r1} buffer, {@code r2} valid
     * bytes, {@code r3} output region, as {@link io.vyre.runtime.bytecode.StandardPrograms#scanStaged} and
     * {@link io.vyre.runtime.bytecode.StandardPrograms#linesStaged}): how a reader packs many small files into
     * one chunk (MATCHES) and reads compressed files through their decompressor (both framings). LINES programs
     * receive FRAME_DELIM flags as for {@link #program(int)}. {@code null} (the default) when the program only
     * reads files itself; a MATCHES program that has one also gives {@link #matchLength}.
     */
    public Vir0Program stagedProgram(int flags) {
        return null;
    }

    /** MATCHES with a {@link #stagedProgram(int)}: the bytes a match of {@code patternId} covers. */
    public int matchLength(int patternId) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no staged program");
    }

    /** MATCHES: the record of a match starting at {@code offset} in {@code path}. */
    public T match(String path, long offset, int patternId) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not emit matches");
    }

    /** LINES: the record of a line starting at {@code offset}, with the value the program computed. */
    public T record(String path, long offset, byte[] bytes, int value) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not emit records");
    }

    /**
     * LINES: whether {@link #record} reads the line's bytes. When not (a query that needs only where lines are),
     * the reader hands it an empty array instead of copying each line out of the ingest buffer.
     */
    public boolean readsRecordBytes() {
        return true;
    }

    /** A short description for logs and plans. */
    public abstract String describe();
}
