package io.vyre.flink.program;

import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprType;
import io.vyre.runtime.bytecode.expr.ExprValidator;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The lines of the files that pass an optional predicate, evaluated on the megakernel (FILTER). */
@PublicEvolving
public final class LinesProgram<T> extends VyreProgram<T> {
    private static final long serialVersionUID = 1L;

    /** Builds the record of one line. */
    @FunctionalInterface
    public interface LineMapper<T> extends Serializable {
        T map(String path, long offset, String line);
    }

    private final Expr filter;
    private final LineMapper<T> mapper;
    private final TypeInformation<T> type;
    private final boolean text;
    /** The records are the lines' bytes exactly as in the file ('\r' and invalid UTF-8 kept), not a mapper's. */
    private final boolean raw;
    /** With {@link #raw}: builds the record of a line's bytes (null: the bytes are the record). */
    private final LineBytesMapper<T> bytesMapper;
    private transient Vir0Program[] programs;
    private transient Vir0Program[] staged;

    /** Builds the record of one line from its bytes, exactly as the file holds them (without the '\n'). */
    @FunctionalInterface
    public interface LineBytesMapper<T> extends Serializable {
        T map(String path, long offset, byte[] line);
    }

    LinesProgram(Expr filter, LineMapper<T> mapper, TypeInformation<T> type) {
        this(filter, mapper, type, true, false, null);
    }

    private LinesProgram(Expr filter, LineMapper<T> mapper, TypeInformation<T> type, boolean text, boolean raw,
                         LineBytesMapper<T> bytesMapper) {
        if (filter != null && ExprValidator.validate(filter) != ExprType.BOOL) {
            throw new IllegalArgumentException("a lines filter must be a BOOL expression");
        }
        this.filter = filter;
        this.mapper = mapper;
        this.type = type;
        this.text = text;
        this.raw = raw;
        this.bytesMapper = bytesMapper;
    }

    /** Every line as its bytes, exactly as the file holds them (without the '\n'; a '\r' before it stays). */
    static LinesProgram<byte[]> bytes(TypeInformation<byte[]> type) {
        return new LinesProgram<>(null, null, type, true, true, null);
    }

    /** Every line's bytes, exactly as the file holds them, mapped with the file's path and the line's offset. */
    static <T> LinesProgram<T> bytes(LineBytesMapper<T> mapper, TypeInformation<T> type) {
        return new LinesProgram<>(null, null, type, true, true, mapper);
    }

    /** The same lines, keeping only those for which {@code predicate} is true. */
    public LinesProgram<T> filtered(Expr predicate) {
        return new LinesProgram<>(predicate, mapper, type, text, raw, bytesMapper);
    }

    /**
     * The same lines, but the mapper gets {@code null} for the text: for records that need only the path and
     * offset of each line (nothing is copied out of the ingest buffer or decoded).
     */
    public LinesProgram<T> withoutText() {
        if (raw) {
            throw new IllegalStateException("a program of line bytes has no text to leave out");
        }
        return new LinesProgram<>(filter, mapper, type, false, false, null);
    }

    @Override
    public boolean readsRecordBytes() {
        return text;
    }

    public Expr filter() {
        return filter;
    }

    @Override
    public Framing framing() {
        return Framing.LINES;
    }

    @Override
    public TypeInformation<T> producedType() {
        return type;
    }

    @Override
    public Vir0Program program(int flags) {
        if (programs == null) {
            programs = new Vir0Program[8];
        }
        if (programs[flags] == null) {
            programs[flags] = StandardPrograms.lines(filter, flags);
        }
        return programs[flags];
    }

    @Override
    public Vir0Program stagedProgram(int flags) {
        if (staged == null) {
            staged = new Vir0Program[8];
        }
        if (staged[flags] == null) {
            staged[flags] = StandardPrograms.linesStaged(filter, flags);
        }
        return staged[flags];
    }

    @Override
    @SuppressWarnings("unchecked")
    public T record(String path, long offset, byte[] bytes, int value) {
        if (raw) {
            return bytesMapper == null ? (T) bytes : bytesMapper.map(path, offset, bytes);
        }
        if (!text) {
            return mapper.map(path, offset, null);
        }
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        return mapper.map(path, offset, new String(bytes, 0, len, StandardCharsets.UTF_8));
    }

    @Override
    public String describe() {
        return "lines" + (raw ? "(bytes)" : "") + (filter != null ? "(filtered)" : "") + (text ? "" : "(offsets only)");
    }
}
