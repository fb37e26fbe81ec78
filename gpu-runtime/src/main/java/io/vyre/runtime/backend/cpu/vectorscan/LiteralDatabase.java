package io.vyre.runtime.backend.cpu.vectorscan;

import static com.gliwka.hyperscan.jni.hyperscan.HS_FLAG_CASELESS;
import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_BLOCK;
import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;
import static com.gliwka.hyperscan.jni.hyperscan.hs_compile_lit_multi;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_compile_error;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_database;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * A literal set compiled into a Vectorscan block-mode database (hs_compile_lit_multi): pattern i has id i,
 * every occurrence is reported at its end, ignore-case is HS_FLAG_CASELESS (ASCII, as the Java DFA folds).
 * Immutable once compiled and shared by every worker; each worker brings its own scratch. Freed with
 * {@link #free()} once no worker can scan with it any more.
 */
public final class LiteralDatabase {
    private final hs_database_t database;
    private final int[] patternLength;
    private final int maxPatternLength;
    private boolean freed;

    private LiteralDatabase(hs_database_t database, int[] patternLength) {
        this.database = database;
        this.patternLength = patternLength;
        int max = 0;
        for (int length : patternLength) {
            max = Math.max(max, length);
        }
        this.maxPatternLength = max;
    }

    /**
     * Whether Vectorscan's literal API takes this set: it refuses a literal whose first byte is NUL (as
     * "empty"), which the Java DFA matches like any other.
     */
    public static boolean accepts(List<byte[]> patterns) {
        for (byte[] p : patterns) {
            if (p.length == 0 || p[0] == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * @throws IllegalStateException when Vectorscan does not run here
     * @throws IllegalArgumentException naming the pattern Vectorscan refused (see {@link #accepts})
     */
    public static LiteralDatabase compile(List<byte[]> patterns, boolean ignoreCase) {
        String reason = Vectorscan.unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("Vectorscan cannot compile here: " + reason);
        }
        int n = patterns.size();
        int[] lengths = new int[n];
        // every native copy stays strongly referenced until the compiler has read it, then is freed at once
        List<Pointer> natives = new ArrayList<>(n + 6);
        try {
            PointerPointer<BytePointer> expressions = keep(natives, new PointerPointer<>(n));
            IntPointer flags = keep(natives, new IntPointer(n));
            IntPointer ids = keep(natives, new IntPointer(n));
            SizeTPointer sizes = keep(natives, new SizeTPointer(n));
            for (int i = 0; i < n; i++) {
                byte[] p = patterns.get(i);
                lengths[i] = p.length;
                expressions.put(i, keep(natives, new BytePointer(p)));
                flags.put(i, ignoreCase ? HS_FLAG_CASELESS : 0);
                ids.put(i, i);
                sizes.put(i, p.length);
            }
            PointerPointer<hs_database_t> database = keep(natives, new PointerPointer<>(1));
            database.put(0, null);
            PointerPointer<hs_compile_error_t> error = keep(natives, new PointerPointer<>(1));
            error.put(0, null);
            int r = hs_compile_lit_multi(expressions, flags, ids, sizes, n, HS_MODE_BLOCK, null, database, error);
            if (r != HS_SUCCESS) {
                hs_compile_error_t e = new hs_compile_error_t(error.get(0));
                String message = e.isNull() ? "error " + r : e.message().getString() + " (pattern " + e.expression() + ")";
                if (!e.isNull()) {
                    hs_free_compile_error(e);
                }
                throw new IllegalArgumentException("Vectorscan refused the literal set of " + n + " patterns: " + message);
            }
            return new LiteralDatabase(new hs_database_t(database.get(0)), lengths);
        } finally {
            natives.forEach(Pointer::close);
        }
    }

    private static <P extends Pointer> P keep(List<Pointer> natives, P pointer) {
        natives.add(pointer);
        return pointer;
    }

    hs_database_t handle() {
        if (freed) {
            throw new IllegalStateException("the Vectorscan database was freed");
        }
        return database;
    }

    int patternLength(int id) {
        return patternLength[id];
    }

    int maxPatternLength() {
        return maxPatternLength;
    }

    public int patternCount() {
        return patternLength.length;
    }

    /** Frees the database; only once no scanner can use it any more. Idempotent. */
    public synchronized void free() {
        if (!freed) {
            freed = true;
            hs_free_database(database);
        }
    }
}
