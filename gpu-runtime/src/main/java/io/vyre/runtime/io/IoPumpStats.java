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

    /** Requests claimed from the queue and not completed yet (the IO queue depth as the pump sees it). */
    public long inFlight() {
        return inFlight.get();
    }
}
