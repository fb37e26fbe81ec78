package io.vyre.runtime.backend.cpu;

import java.util.concurrent.atomic.LongAdder;

/** How long the CPU megakernel's workers held the slots they ran, from claim to done, summed over all workers. */
final class SlotTimes {
    private final LongAdder slots = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    void add(long slotNanos) {
        slots.increment();
        nanos.add(slotNanos);
    }

    long slots() {
        return slots.sum();
    }

    long nanos() {
        return nanos.sum();
    }
}
