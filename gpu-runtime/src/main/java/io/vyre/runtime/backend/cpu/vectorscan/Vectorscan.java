package io.vyre.runtime.backend.cpu.vectorscan;

import com.gliwka.hyperscan.jni.hyperscan;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Vectorscan (Hyperscan's portable fork, through the JavaCPP bindings of com.gliwka.hyperscan) runs
 * here: probed once per JVM, with the reason recorded when it does not (no native library for this
 * platform, a CPU without the instructions it needs).
 */
public final class Vectorscan {
    private static final Logger LOG = LoggerFactory.getLogger(Vectorscan.class);
    private static final String UNAVAILABLE;
    private static final String VERSION;
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    static {
        String reason = null;
        String version = null;
        try {
            if (hyperscan.hs_valid_platform() != hyperscan.HS_SUCCESS) {
                reason = "this CPU lacks the instructions Vectorscan was built for (hs_valid_platform failed)";
            } else {
                version = hyperscan.hs_version().getString();
            }
        } catch (LinkageError | RuntimeException e) {
            reason = "its native library does not load here (" + e + ")";
        }
        UNAVAILABLE = reason;
        VERSION = version;
    }

    private Vectorscan() {
    }

    /** Null when Vectorscan runs here, else why not. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The library's version, e.g. "5.4.11 2025-04-01", or null when it does not run here. */
    public static String version() {
        return VERSION;
    }

    /** Logs once per JVM that MATCH falls back to the Java DFA, and why. */
    public static void logFallbackOnce() {
        if (FALLBACK_LOGGED.compareAndSet(false, true)) {
            LOG.warn("Vectorscan is unavailable: {}; the CPU megakernel's MATCH runs the Java Aho-Corasick DFA"
                + " (the same results, several times slower)", UNAVAILABLE);
        }
    }
}
