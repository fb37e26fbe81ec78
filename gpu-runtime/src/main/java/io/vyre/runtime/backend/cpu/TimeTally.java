package io.vyre.runtime.backend.cpu;

import java.util.concurrent.atomic.LongAdder;

/**
 * Events counted with their summed duration, added to from any thread: how long the CPU megakernel's workers held
 * their slots, and how long they waited for their IO requests.
 */
final class TimeTally {
    private final LongAdder count = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    void add(long eventNanos) {
        count.increment();
        nanos.add(eventNanos);
    }

    long count() {
        return count.sum();
    }

    long nanos() {
        return nanos.sum();
    }

    /** The mean duration in milliseconds, 0 without events. */
    double meanMillis() {
        long n = count();
        return n == 0 ? 0 : nanos() / (double) n / 1e6;
    }
}
