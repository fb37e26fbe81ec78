package io.vyre.runtime.protocol;

import static io.vyre.runtime.protocol.WorkRingDescriptor.*;

import org.agrona.concurrent.AtomicBuffer;

/**
 * The kernel side of the work ring for backends that can CAS the slot status words themselves (the CPU
 * megakernel). A GPU on PCIe cannot: its kernel keeps claims in device memory instead (see the CUDA
 * backend) and only stores DONE into the shared slot.
 */
public final class WorkRingClaims {
    private final AtomicBuffer ring;
    private final AtomicBuffer control;
    private final int capacity;

    public WorkRingClaims(AtomicBuffer ring, int capacity, AtomicBuffer control) {
        this.ring = ring;
        this.capacity = capacity;
        this.control = control;
    }

    public int capacity() {
        return capacity;
    }

    public boolean isPublished(int slot) {
        return ring.getIntAcquire(wordOffset(slot, STATUS_WORD)) == PUBLISHED;
    }

    /** CAS PUBLISHED → CLAIMED; the winner owns the slot's words until it completes it. */
    public boolean claim(int slot) {
        return ring.compareAndSetInt(wordOffset(slot, STATUS_WORD), PUBLISHED, CLAIMED);
    }

    /** Hands a claimed slot back (used by a fence whose predecessors are not done yet). */
    public void unclaim(int slot) {
        ring.putIntRelease(wordOffset(slot, STATUS_WORD), PUBLISHED);
    }

    public int word(int slot, int word) {
        return ring.getInt(wordOffset(slot, word));
    }

    public int arg(int slot, int arg) {
        return ring.getInt(argOffset(slot, arg));
    }

    public int priority(int slot) {
        return ring.getInt(wordOffset(slot, PRIORITY_WORD));
    }

    public int sequence(int slot) {
        return ring.getInt(wordOffset(slot, SEQUENCE_WORD));
    }

    public int statusVolatile(int slot) {
        return ring.getIntVolatile(wordOffset(slot, STATUS_WORD));
    }

    /**
     * Writes the results, counts the slot in DONE_COUNT (and FAILED_COUNT), then stores DONE with release
     * semantics: a host that sees DONE sees the results.
     */
    public void complete(int slot, int result, int errorWord, int detail) {
        ring.putInt(wordOffset(slot, RESULT_WORD), result);
        ring.putInt(wordOffset(slot, ERROR_WORD), errorWord);
        ring.putInt(wordOffset(slot, DETAIL_WORD), detail);
        if (errorWord != 0) {
            control.getAndAddInt(ControlBlockDescriptor.offset(ControlBlockDescriptor.FAILED_COUNT), 1);
        }
        control.getAndAddInt(ControlBlockDescriptor.offset(ControlBlockDescriptor.DONE_COUNT), 1);
        ring.putIntRelease(wordOffset(slot, STATUS_WORD), DONE);
    }
}
