package io.vyre.runtime.backend;

import java.util.Locale;

/** Which megakernel interprets the ring. */
public enum BackendKind {
    /** CUDA when a device and driver answer, else the CPU megakernel, with the reason logged. */
    AUTO,
    /** The pure-Java megakernel: the reference semantics and the embedded default. */
    CPU,
    /** The CUDA persistent kernel; start-up fails with a clear error when it cannot run. */
    CUDA;

    public static BackendKind parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown backend '" + value + "': use auto, cpu or cuda");
        }
    }
}
