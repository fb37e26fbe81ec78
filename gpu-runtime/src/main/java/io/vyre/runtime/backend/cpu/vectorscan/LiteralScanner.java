package io.vyre.runtime.backend.cpu.vectorscan;

import static com.gliwka.hyperscan.jni.hyperscan.HS_SCAN_TERMINATED;
import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;
import static com.gliwka.hyperscan.jni.hyperscan.hs_alloc_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_scan;

import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.match_event_handler;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One thread's Vectorscan scanner: its scratch (grown for every database it scans with), reused from scan to
 * scan, so a scan allocates nothing. Not thread-safe: one per worker. All scanners share one native match
 * callback, which finds the scanner of its thread (hs_scan calls back on the scanning thread): JavaCPP keeps
 * only a few callback thunks per class alive, and a callback it could not allocate reaches Vectorscan as
 * NULL, which scans and reports nothing.
 */
public final class LiteralScanner implements AutoCloseable {
    /** Receives the matches of a scan; returns false to stop it. */
    @FunctionalInterface
    public interface Matches {
        boolean accept(int start, int patternId, int length);
    }

    private final PointerPointer<hs_scratch_t> scratchRef = new PointerPointer<>(1);
    private final Set<LiteralDatabase> grownFor = Collections.newSetFromMap(new IdentityHashMap<>());
    private static final Callback CALLBACK = new Callback();
    private static final ThreadLocal<LiteralScanner> SCANNING = new ThreadLocal<>();

    private final Input input = new Input();
    private hs_scratch_t scratch;
    private LiteralDatabase database;
    private long limit;
    private Matches matches;

    public LiteralScanner() {
        scratchRef.put(0, null);
    }

    /**
     * Reports every occurrence that starts below {@code limit} in {@code length} bytes at {@code address}, in
     * order of their ends.
     *
     * @return false when {@code matches} stopped the scan
     */
    public boolean scan(LiteralDatabase database, long address, int length, long limit, Matches matches) {
        if (grownFor.add(database)) {
            int r = hs_alloc_scratch(database.handle(), scratchRef);
            if (r != HS_SUCCESS) {
                grownFor.remove(database);
                throw new IllegalStateException("Vectorscan could not allocate scratch space (error " + r + ")");
            }
            scratch = new hs_scratch_t(scratchRef.get(0));
        }
        // no match that starts below the limit ends past limit + the longest pattern - 1
        long reach = limit >= length ? length : Math.min(length, limit + database.maxPatternLength() - 1);
        if (reach <= 0) {
            return true;
        }
        this.database = database;
        this.limit = limit;
        this.matches = matches;
        SCANNING.set(this);
        int r;
        try {
            r = hs_scan(database.handle(), input.at(address), (int) reach, 0, scratch, CALLBACK, null);
        } finally {
            this.matches = null;
        }
        if (r == HS_SCAN_TERMINATED) {
            return false;
        }
        if (r != HS_SUCCESS) {
            throw new IllegalStateException("Vectorscan scan failed (error " + r + ")");
        }
        return true;
    }

    @Override
    public void close() {
        if (scratch != null) {
            hs_free_scratch(scratch);
            scratch = null;
        }
        grownFor.clear();
    }

    /** Reports an occurrence ending at {@code to} (exclusive); a non-zero return stops the scan. */
    private int onMatch(int id, long to) {
        int length = database.patternLength(id);
        long start = to - length;
        if (start >= limit) {
            return 0;
        }
        return matches.accept((int) start, id, length) ? 0 : 1;
    }

    private static final class Callback extends match_event_handler {
        @Override
        public int call(int id, long from, long to, int flags, Pointer context) {
            return SCANNING.get().onMatch(id, to);
        }
    }

    /** A pointer to native memory the scanner points anywhere without allocating. */
    private static final class Input extends BytePointer {
        BytePointer at(long address) {
            this.address = address;
            this.position = 0;
            this.limit = 0;
            this.capacity = 0;
            return this;
        }
    }
}
