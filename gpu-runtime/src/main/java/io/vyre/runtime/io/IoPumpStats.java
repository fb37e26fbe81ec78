package io.vyre.runtime.io;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of a pump, safe to read from any thread. */
public final class IoPumpStats {
    final AtomicLong reads = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong fences = new AtomicLong();
    final AtomicLong bytesRead = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    /** Reads that completed with all their bytes, and their time summed: from the claim to the last byte. */
    final AtomicLong readsDone = new AtomicLong();
    final AtomicLong readNanos = new AtomicLong();
    /** The pump thread's CPU time, taken when it closes; -1 before (or where the JVM cannot measure it). */
    volatile long cpuNanos = -1;
    volatile IoPath path;

    /** The active IO path: IO_URING or FILE_CHANNEL ({@code null} until the pump thread has started). */
    public IoPath path() {
        return path;
    }

    public long reads() {
        return reads.get();
    }

    public long writes() {
        return writes.get();
    }

    public long fences() {
        return fences.get();
    }

    public long bytesRead() {
        return bytesRead.get();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long errors() {
        return errors.get();
    }

    /** Reads that completed with all the bytes they asked for. */
    public long readsDone() {
        return readsDone.get();
    }

    /** Nanoseconds summed over the {@link #readsDone} reads, each from its claim to its last byte in the buffer. */
    public long readNanos() {
        return readNanos.get();
    }

    /** The pump thread's CPU time over its life, known once it closed; -1 before. */
    public long cpuNanos() {
        return cpuNanos;
    }

    /** Requests claimed from the queue and not completed yet (the IO queue depth as the pump sees it). */
    public long inFlight() {
        return inFlight.get();
    }
}
