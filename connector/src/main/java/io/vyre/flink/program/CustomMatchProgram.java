package io.vyre.flink.program;

import io.vyre.runtime.bytecode.Vir0Program;
import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A user-supplied VIR0 program with the scan calling convention (r1..r7 as in
 * {@link io.vyre.runtime.bytecode.StandardPrograms#scan}) that emits [offset, patternId] entries, and the
 * decoder that turns each entry into a record.
 */
@PublicEvolving
public final class CustomMatchProgram<T> extends VyreProgram<T> {
    private static final long serialVersionUID = 1L;

    /** Builds the record of one emitted entry. */
    @FunctionalInterface
    public interface MatchDecoder<T> extends Serializable {
        T decode(String path, long offset, int id);
    }

    private final byte[] encoded;
    private final int overlap;
    private final MatchDecoder<T> decoder;
    private final TypeInformation<T> type;
    private transient Vir0Program program;

    CustomMatchProgram(Vir0Program program, int overlap, MatchDecoder<T> decoder, TypeInformation<T> type) {
        if (overlap < 0) {
            throw new IllegalArgumentException("overlap must not be negative, got " + overlap);
        }
        this.encoded = program.encode();
        this.overlap = overlap;
        this.decoder = decoder;
        this.type = type;
        Vir0Program.fromBytes(encoded);
    }

    @Override
    public Framing framing() {
        return Framing.MATCHES;
    }

    @Override
    public TypeInformation<T> producedType() {
        return type;
    }

    @Override
    public Vir0Program program(int flags) {
        if (program == null) {
            program = Vir0Program.fromBytes(encoded);
        }
        return program;
    }

    @Override
    public int overlap() {
        return overlap;
    }

    @Override
    public T match(String path, long offset, int patternId) {
        return decoder.decode(path, offset, patternId);
    }

    @Override
    public String describe() {
        return "custom program (" + program(0).ops().size() + " ops)";
    }
}
