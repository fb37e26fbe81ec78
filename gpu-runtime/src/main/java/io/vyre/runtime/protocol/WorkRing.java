package io.vyre.runtime.protocol;

import static io.vyre.runtime.protocol.WorkRingDescriptor.*;

import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.AtomicBuffer;

/**
 * The host side of the work ring: publishes slots in sequence order and takes DONE slots back.
 * Safe for any number of publishing and taking threads (each side is serialised by a lock; both are a
 * handful of stores). Slot {@code seq & (capacity - 1)} carries
 * sequence {@code seq}; a sequence can only be published once the slot it lands on is EMPTY again, so
 * a caller that never {@link #take takes} its result eventually blocks publishers behind it.
 */
public final class WorkRing {
    private final AtomicBuffer buffer;
    private final ControlBlock control;
    private final int capacity;
    private final int mask;
    private final AtomicLong tail = new AtomicLong();
    private final Object takeLock = new Object();
    private final Object publishLock = new Object();

    public WorkRing(AtomicBuffer buffer, int capacity, ControlBlock control) {
        checkCapacity(capacity);
        if (buffer.capacity() < byteLength(capacity)) {
            throw new IllegalArgumentException("work ring of " + capacity + " slots needs " + byteLength(capacity)
                + " bytes, the buffer has " + buffer.capacity());
        }
        this.buffer = buffer;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.control = control;
    }

    public int capacity() {
        return capacity;
    }

    public AtomicBuffer buffer() {
        return buffer;
    }

    public int slotIndex(long sequence) {
        return (int) (sequence & mask);
    }

    /** Sequences published so far (the next sequence to publish). */
    public long published() {
        return tail.get();
    }

    /**
     * Publishes one instruction if the next slot is free: a batch of one, so DOORBELL and EPOCH advance by one.
     *
     * @return the slot's sequence, or -1 when the ring is full
     */
    public long tryPublish(int opcode, int tenant, int priority, int[] args) {
        if (args.length > ARG_COUNT) {
            throw new IllegalArgumentException(args.length + " arguments do not fit the " + ARG_COUNT + " argument words");
        }
        // Publishers are serialised: a slot is EMPTY while its publisher writes it, so without the lock a
        // publisher one lap ahead could see it EMPTY and write over it.
        synchronized (publishLock) {
            long seq = tail.get();
            int slot = slotIndex(seq);
            if (buffer.getIntVolatile(wordOffset(slot, STATUS_WORD)) != EMPTY) {
                return -1;
            }
            buffer.putInt(wordOffset(slot, OPCODE_WORD), opcode);
            buffer.putInt(wordOffset(slot, TENANT_WORD), tenant);
            buffer.putInt(wordOffset(slot, PRIORITY_WORD), priority);
            for (int i = 0; i < ARG_COUNT; i++) {
                buffer.putInt(argOffset(slot, i), i < args.length ? args[i] : 0);
            }
            buffer.putInt(wordOffset(slot, SEQUENCE_WORD), (int) seq);
            buffer.putInt(wordOffset(slot, RESULT_WORD), 0);
            buffer.putInt(wordOffset(slot, ERROR_WORD), 0);
            buffer.putInt(wordOffset(slot, DETAIL_WORD), seal(opcode, tenant, priority, args, (int) seq));
            buffer.putIntRelease(wordOffset(slot, STATUS_WORD), PUBLISHED);
            tail.set(seq + 1);
            control.buffer().getAndAddInt(ControlBlockDescriptor.offset(ControlBlockDescriptor.DOORBELL), 1);
            control.advanceEpoch();
            return seq;
        }
    }

    public int status(int slot) {
        return buffer.getIntVolatile(wordOffset(slot, STATUS_WORD));
    }

    /** True when the slot of {@code sequence} is DONE and still holds that sequence. */
    public boolean isDone(long sequence) {
        int slot = slotIndex(sequence);
        return buffer.getIntAcquire(wordOffset(slot, STATUS_WORD)) == DONE
            && buffer.getInt(wordOffset(slot, SEQUENCE_WORD)) == (int) sequence;
    }

    /**
     * Reads a DONE slot's results and hands the slot back to publishers. Takers are serialised: with two
     * racing takers, a CAS on STATUS alone would be ABA-prone (the slot can be taken, republished and be
     * DONE again between one taker's reads and its CAS).
     *
     * @return the result, or {@code null} when the slot is not DONE with this sequence
     */
    public SlotResult take(long sequence) {
        synchronized (takeLock) {
            if (!isDone(sequence)) {
                return null;
            }
            int slot = slotIndex(sequence);
            SlotResult result = new SlotResult(sequence,
                buffer.getInt(wordOffset(slot, OPCODE_WORD)),
                buffer.getInt(wordOffset(slot, RESULT_WORD)),
                buffer.getInt(wordOffset(slot, ERROR_WORD)),
                buffer.getInt(wordOffset(slot, DETAIL_WORD)));
            buffer.putIntRelease(wordOffset(slot, STATUS_WORD), EMPTY);
            return result;
        }
    }

    /**
     * When the slot the next publish needs still holds a DONE result nobody took, takes it so publishing can
     * go on; the caller keeps the result for whoever awaits it.
     *
     * @return the evicted result, or {@code null} when the next slot is not DONE
     */
    public SlotResult evictBlockingResult() {
        long blocking = tail.get() - capacity;
        return blocking < 0 ? null : take(blocking);
    }
}
