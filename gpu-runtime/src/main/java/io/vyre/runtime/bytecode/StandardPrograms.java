package io.vyre.runtime.bytecode;

import static io.vyre.runtime.bytecode.Vir0Program.Reg.r;

import io.vyre.runtime.bytecode.expr.Expr;
import java.util.List;

/**
 * The programs the connector runs, with their calling conventions ({@code CALL program, r1..r7}).
 */
public final class StandardPrograms {
    /** FRAME_DELIM flag: the input starts inside a record (skip to after the first delimiter). */
    public static final int STARTS_INSIDE_RECORD = 1;
    /** FRAME_DELIM / FRAME_FIXED flag: the input ends where the data ends (a last record without delimiter is whole). */
    public static final int FINAL = 2;
    /**
     * FRAME_DELIM / FRAME_FIXED flag: an unterminated last record is left for a later input (r9 says where
     * it starts) instead of failing RECORD_INCOMPLETE: how a reader tails a growing file.
     */
    public static final int TAIL = 4;
    public static final int NO_LIMIT = 0xFFFF_FFFF;

    private StandardPrograms() {
    }

    /**
     * Every occurrence of every pattern in a byte range of a file.
     * <pre>
     *   r1 file handle   r2 offset low   r3 offset high   r4 bytes to read
     *   r5 ingest buffer r6 limit: matches starting at or past it belong to the next range
     *   r7 output region: [offset in range, pattern id] per match
     * </pre>
     */
    public static Vir0Program scan(List<byte[]> patterns, boolean ignoreCase) {
        Vir0Program.Builder b = Vir0Program.builder();
        int c = b.constant(new PatternsConstant(patterns, ignoreCase));
        return b.op(Opcode.LOAD_MISS, r(1), r(2), r(3), r(4), r(5))
            .op(Opcode.MATCH, c, r(6))
            .op(Opcode.EMIT_MATCHES, r(7))
            .build();
    }

    /**
     * Every occurrence of every pattern in bytes the host staged in an ingest buffer: how a reader scans many
     * small files in one slot (it packs them into one buffer and assigns each match to the file it starts in).
     * <pre>
     *   r1 ingest buffer  r2 valid bytes  r3 output region: [offset in buffer, pattern id] per match
     * </pre>
     */
    public static Vir0Program scanStaged(List<byte[]> patterns, boolean ignoreCase) {
        Vir0Program.Builder b = Vir0Program.builder();
        int c = b.constant(new PatternsConstant(patterns, ignoreCase));
        return b.op(Opcode.INPUT, r(1), r(2))
            .op(Opcode.MATCH, c, NO_LIMIT)
            .op(Opcode.EMIT_MATCHES, r(3))
            .build();
    }

    /**
     * The lines of a byte range of a file that pass an optional filter.
     * <pre>
     *   r1 file handle   r2 offset low   r3 offset high   r4 bytes to read
     *   r5 ingest buffer r6 own: lines starting at or past it belong to the next range
     *   r7 output region: [offset in range, length, 0] per line
     *   DETAIL (r9): the offset where framing stopped; the range's next read starts there
     * </pre>
     *
     * @param filter a BOOL expression, or {@code null} for every line
     * @param flags  {@link #STARTS_INSIDE_RECORD}, {@link #FINAL}, {@link #TAIL}
     */
    public static Vir0Program lines(Expr filter, int flags) {
        Vir0Program.Builder b = Vir0Program.builder();
        b.op(Opcode.LOAD_MISS, r(1), r(2), r(3), r(4), r(5))
            .op(Opcode.FRAME_DELIM, (int) '\n', r(6), flags);
        if (filter != null) {
            b.op(Opcode.FILTER, b.constant(new ExprConstant(filter)));
        }
        return b.op(Opcode.EMIT_RECORDS, r(7)).build();
    }

    /**
     * The lines of bytes the host staged in an ingest buffer that pass an optional filter: how a reader frames
     * a decompressed stream, whose bytes it produces itself. The input starts at a line start.
     * <pre>
     *   r1 ingest buffer  r2 valid bytes  r3 output region: [offset in buffer, length, 0] per line
     *   DETAIL (r9): the offset where framing stopped; the next input starts there
     * </pre>
     *
     * @param filter a BOOL expression, or {@code null} for every line
     * @param flags  {@link #FINAL}, {@link #TAIL}
     */
    public static Vir0Program linesStaged(Expr filter, int flags) {
        Vir0Program.Builder b = Vir0Program.builder();
        b.op(Opcode.INPUT, r(1), r(2))
            .op(Opcode.FRAME_DELIM, (int) '\n', NO_LIMIT, flags);
        if (filter != null) {
            b.op(Opcode.FILTER, b.constant(new ExprConstant(filter)));
        }
        return b.op(Opcode.EMIT_RECORDS, r(3)).build();
    }

    /**
     * Masks every occurrence of every pattern in an ingest buffer the host filled, then writes the buffer
     * to a file through the IO queue.
     * <pre>
     *   r1 ingest buffer  r2 valid bytes  r3 destination file handle  r4 file offset low  r5 file offset high
     * </pre>
     */
    public static Vir0Program redact(List<byte[]> patterns, boolean ignoreCase, byte mask) {
        Vir0Program.Builder b = Vir0Program.builder();
        int c = b.constant(new PatternsConstant(patterns, ignoreCase));
        return b.op(Opcode.INPUT, r(1), r(2))
            .op(Opcode.MATCH, c, NO_LIMIT)
            .op(Opcode.REDACT, mask & 0xFF)
            .op(Opcode.WRITE_BACK, r(3), r(4), r(5))
            .build();
    }
}
