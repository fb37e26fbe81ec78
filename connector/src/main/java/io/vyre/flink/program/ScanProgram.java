package io.vyre.flink.program;

import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Every occurrence of every pattern, overlaps included: (path, offset of the match start, pattern id). */
@PublicEvolving
public final class ScanProgram extends VyreProgram<ScanMatch> {
    private static final long serialVersionUID = 1L;
    private final ArrayList<byte[]> patterns;
    private final boolean ignoreCase;
    /** Computed on first use, also after deserialization (transient: the serialized form stays as it was). */
    private transient int overlap;
    private transient boolean overlapKnown;
    private transient Vir0Program program;
    private transient Vir0Program staged;

    ScanProgram(List<byte[]> patterns, boolean ignoreCase) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("scan needs at least one pattern");
        }
        this.patterns = new ArrayList<>(patterns);
        this.ignoreCase = ignoreCase;
        program(0);
    }

    @Override
    public Framing framing() {
        return Framing.MATCHES;
    }

    @Override
    public TypeInformation<ScanMatch> producedType() {
        return TypeInformation.of(ScanMatch.class);
    }

    @Override
    public Vir0Program program(int flags) {
        if (program == null) {
            program = StandardPrograms.scan(patterns, ignoreCase);
        }
        return program;
    }

    @Override
    public Vir0Program stagedProgram(int flags) {
        if (staged == null) {
            staged = StandardPrograms.scanStaged(patterns, ignoreCase);
        }
        return staged;
    }

    @Override
    public int matchLength(int patternId) {
        return patterns.get(patternId).length;
    }

    @Override
    public int overlap() {
        if (!overlapKnown) {
            overlap = patterns.stream().mapToInt(p -> p.length).max().orElse(1) - 1;
            overlapKnown = true;
        }
        return overlap;
    }

    @Override
    public ScanMatch match(String path, long offset, int patternId) {
        return new ScanMatch(path, offset, patternId);
    }

    public List<byte[]> patterns() {
        return List.copyOf(patterns);
    }

    public boolean ignoreCase() {
        return ignoreCase;
    }

    @Override
    public String describe() {
        return "scan(" + patterns.size() + " patterns" + (ignoreCase ? ", ignore case" : "") + ")";
    }
}
