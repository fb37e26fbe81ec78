package io.vyre.runtime.backend;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Host threads parked until a slot of the work ring is done, one per slot index. A kernel that runs in this process
 * (the CPU megakernel) calls {@link #done} as it completes a slot, which wakes the thread waiting for it, so a host
 * thread that waits long (a source waiting for a chunk to be scanned, milliseconds on the CPU) sleeps instead of
 * polling the ring every 100 us on the cores the scan needs. A kernel across a link (the GPU) never calls it: its
 * waiters poll, as the ring protocol is all they share with it.
 *
 * <p>A wake-up is a hint, never a result: a woken thread reads the ring again, and a parked thread wakes by itself
 * after at most the park time however it was (not) woken.
 */
public final class SlotWaiters {
    /** The runtime's park time: the longest a waiting thread sleeps before it looks at the ring (and the kernel's health). */
    public static final long PARK_NANOS = 1_000_000L;

    private final AtomicReferenceArray<Thread> waiting;
    private final int mask;
    private final long parkNanos;
    private final LongAdder wakeUps = new LongAdder();

    /**
     * @param ringCapacity the work ring's slots (a power of two)
     * @param parkNanos    the longest {@link #park} sleeps
     */
    public SlotWaiters(int ringCapacity, long parkNanos) {
        if (Integer.bitCount(ringCapacity) != 1) {
            throw new IllegalArgumentException("a ring of " + ringCapacity + " slots: not a power of two");
        }
        this.waiting = new AtomicReferenceArray<>(ringCapacity);
        this.mask = ringCapacity - 1;
        this.parkNanos = parkNanos;
    }

    /** The kernel's side, after it wrote slot {@code index} DONE: wakes the thread waiting for it, if any. */
    public void done(int index) {
        VarHandle.fullFence();  // the DONE state is visible before the waiter is read (the waiter does the converse)
        Thread waiter = waiting.get(index & mask);
        if (waiter != null) {
            wakeUps.increment();
            LockSupport.unpark(waiter);
        }
    }

    /** Waiting threads {@link #done} has woken so far. */
    public long wakeUps() {
        return wakeUps.sum();
    }

    /**
     * The host's side: registers the calling thread as the one waiting for slot {@code index}, so that the next
     * {@link #done} of it wakes the thread. The caller then looks at the slot once more (it may have been done before
     * this), parks with {@link #park} if not, and {@link #leave}s when done waiting. A slot another thread waits for
     * already (a tenant closing while its owner waits) keeps that thread; this one wakes by its own timeout.
     */
    public void enter(int index) {
        waiting.compareAndSet(index & mask, null, Thread.currentThread());
        VarHandle.fullFence();  // registered before the caller looks at the slot (an acquire read alone may come first)
    }

    /** Parks the calling thread until a {@link #done} of its slot, an interrupt, or the park time. */
    public void park() {
        LockSupport.parkNanos(this, parkNanos);
    }

    public void leave(int index) {
        waiting.compareAndSet(index & mask, Thread.currentThread(), null);
    }
}
