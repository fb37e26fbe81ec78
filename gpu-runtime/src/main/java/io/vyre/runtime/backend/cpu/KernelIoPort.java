package io.vyre.runtime.backend.cpu;

import static io.vyre.runtime.protocol.IoQueueDescriptor.*;
import static io.vyre.runtime.protocol.WorkRingDescriptor.EMPTY;
import static io.vyre.runtime.protocol.WorkRingDescriptor.PUBLISHED;

import io.vyre.runtime.protocol.ControlBlock;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.SlotError;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The kernel side of the IO queue for CPU workers, with the same protocol the GPU kernel follows: take a
 * ticket (slot = ticket mod slots), wait for the slot to be EMPTY, write the request, release PUBLISHED,
 * wait for OK or ERROR, read the completion, release EMPTY.
 */
final class KernelIoPort {
    private final AtomicBuffer queue;
    private final int slots;
    private final ControlBlock control;
    private final long waitNanos;
    private final AtomicLong tickets = new AtomicLong();
    private final AtomicIntegerArray abandoned;

    KernelIoPort(AtomicBuffer queue, int slots, ControlBlock control, long waitNanos) {
        this.queue = queue;
        this.slots = slots;
        this.control = control;
        this.waitNanos = waitNanos;
        this.abandoned = new AtomicIntegerArray(slots);
    }

    /**
     * Posts a request and waits for its completion.
     *
     * @return the bytes now valid (READ) or written (WRITE)
     * @throws SlotFault SHORT_READ, IO_ERROR (detail: IoError code, 0 on timeout) or SHUTDOWN
     */
    int request(int op, int src, int dst, long offset, int byteCount, int tag, IdleStrategy idle) {
        int slot = (int) Long.remainderUnsigned(tickets.getAndIncrement(), slots);
        int status = wordOffset(slot, STATUS);
        long deadline = System.nanoTime() + waitNanos;
        idle.reset();
        int s;
        while ((s = queue.getIntAcquire(status)) != EMPTY) {
            if ((s == STATUS_OK || s == STATUS_ERROR) && abandoned.compareAndSet(slot, 1, 0)) {
                queue.putIntRelease(status, EMPTY);
                continue;
            }
            waitOrFail(deadline, idle);
        }
        queue.putInt(wordOffset(slot, OP_TYPE), op);
        queue.putInt(wordOffset(slot, SRC_HANDLE), src);
        queue.putInt(wordOffset(slot, DST_HANDLE), dst);
        queue.putInt(wordOffset(slot, OFFSET_LO), (int) offset);
        queue.putInt(wordOffset(slot, OFFSET_HI), (int) (offset >>> 32));
        queue.putInt(wordOffset(slot, BYTE_COUNT), byteCount);
        queue.putInt(wordOffset(slot, TAG), tag);
        queue.putIntRelease(status, PUBLISHED);

        idle.reset();
        while ((s = queue.getIntAcquire(status)) != STATUS_OK && s != STATUS_ERROR) {
            try {
                waitOrFail(deadline, idle);
            } catch (SlotFault f) {
                abandoned.set(slot, 1);
                throw f;
            }
        }
        int bytes = queue.getInt(wordOffset(slot, BYTE_COUNT));
        int errorTag = queue.getInt(wordOffset(slot, TAG));
        queue.putIntRelease(status, EMPTY);
        if (s == STATUS_OK) {
            return bytes;
        }
        if (errorTag == IoError.SHORT_READ.code()) {
            throw new SlotFault(SlotError.SHORT_READ, bytes);
        }
        throw new SlotFault(SlotError.IO_ERROR, errorTag);
    }

    private void waitOrFail(long deadline, IdleStrategy idle) {
        if (control.isShutdownRequested()) {
            throw new SlotFault(SlotError.SHUTDOWN, 0);
        }
        if (System.nanoTime() - deadline > 0) {
            throw new SlotFault(SlotError.IO_ERROR, 0);
        }
        idle.idle();
    }
}
