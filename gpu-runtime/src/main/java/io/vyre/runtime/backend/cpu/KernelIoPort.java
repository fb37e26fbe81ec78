package io.vyre.runtime.backend.cpu;

import static io.vyre.runtime.protocol.IoQueueDescriptor.*;
import static io.vyre.runtime.protocol.WorkRingDescriptor.CLAIMED;
import static io.vyre.runtime.protocol.WorkRingDescriptor.EMPTY;
import static io.vyre.runtime.protocol.WorkRingDescriptor.PUBLISHED;

import io.vyre.runtime.io.CallerReads;
import io.vyre.runtime.protocol.ControlBlock;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.MegakernelIoQueue;
import io.vyre.runtime.protocol.SlotError;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The kernel side of the IO queue for CPU workers, with the protocol the GPU kernel follows too: own a
 * slot (CAS FREE → BUSY on the kernel's own owner word, never on the shared queue), write the request,
 * release PUBLISHED, wait for OK or ERROR, read the completion, release EMPTY, give the slot up.
 *
 * <p>Ownership is what keeps two requests out of one slot: a worker that merely waited for a slot to be
 * EMPTY could race another that saw the same EMPTY. A request given up before its completion (timeout,
 * shutdown) leaves its slot ABANDONED: nobody reuses it until the host has completed it, so a late
 * completion can never land in a request that is not its own.
 *
 * <p>A slot's requests go into its tenant's partition of the queue (tenant {@code t} of a queue with {@code p}
 * partitions: partition {@code t % p}), so one tenant's requests can neither take another's slots nor be
 * served with another's capabilities.
 *
 * <p>Where the host lets it ({@link CallerReads}), the worker serves its own READ: it posts the request already
 * claimed and reads the bytes on its own thread, then finds the completion as if a pump had written it.
 */
final class KernelIoPort {
    static final int FREE = 0;
    static final int BUSY = 1;
    static final int ABANDONED = 2;

    private final AtomicBuffer queue;
    private final int partitions;
    private final int partitionSlots;
    private final ControlBlock control;
    private final long waitNanos;
    /** Or null: every request waits for a pump. */
    private final CallerReads callerReads;
    private final AtomicLong probeStart = new AtomicLong();
    private final AtomicIntegerArray owners;
    /** Requests completed, and the time workers waited for them (from asking for an IO slot to the completion). */
    private final TimeTally waits = new TimeTally();
    /** Of those, the READs the worker served itself ({@link CallerReads}), and how long each took it. */
    private final TimeTally servedHere = new TimeTally();
    /**
     * An upper bound on the part of each wait for a pump before it claimed the request: from asking for an IO slot
     * to the first idle turn that saw it CLAIMED, or to its completion where no turn did (a turn may park up to
     * 100 us, and a worker may wait longer for a core).
     */
    private final TimeTally claimWaits = new TimeTally();

    KernelIoPort(MegakernelIoQueue queue, ControlBlock control, long waitNanos, CallerReads callerReads) {
        this.callerReads = callerReads;
        this.queue = queue.buffer();
        this.partitions = queue.partitions();
        this.partitionSlots = queue.partitionSlots();
        this.control = control;
        this.waitNanos = waitNanos;
        this.owners = new AtomicIntegerArray(queue.slotCount());
    }

    /**
     * Posts a request and waits for its completion.
     *
     * @return the bytes now valid (READ) or written (WRITE): always {@code byteCount}
     * @throws SlotFault SHORT_READ, IO_ERROR (detail: IoError code, 0 on timeout), BAD_COMPLETION or SHUTDOWN
     */
    int request(int tenant, int op, int src, int dst, long offset, int byteCount, int tag, IdleStrategy idle) {
        long start = System.nanoTime();
        long deadline = start + waitNanos;
        int slot = own(Integer.remainderUnsigned(tenant, partitions) * partitionSlots, deadline, idle);
        int status = wordOffset(slot, STATUS);
        queue.putInt(wordOffset(slot, OP_TYPE), op);
        queue.putInt(wordOffset(slot, SRC_HANDLE), src);
        queue.putInt(wordOffset(slot, DST_HANDLE), dst);
        queue.putInt(wordOffset(slot, OFFSET_LO), (int) offset);
        queue.putInt(wordOffset(slot, OFFSET_HI), (int) (offset >>> 32));
        queue.putInt(wordOffset(slot, BYTE_COUNT), byteCount);
        queue.putInt(wordOffset(slot, TAG), tag);
        boolean served = op == OP_READ && callerReads != null && callerReads.canServe(src);
        if (served) {
            control.beat();  // a read on this thread is the kernel at work, however long the file system takes
            callerReads.serve(slot);
            control.beat();
        } else {
            queue.putIntRelease(status, PUBLISHED);
        }

        idle.reset();
        int s;
        int turns = 0;
        long claimedSeen = 0;
        while ((s = queue.getIntAcquire(status)) != STATUS_OK && s != STATUS_ERROR) {
            if (claimedSeen == 0 && s == CLAIMED) {
                claimedSeen = System.nanoTime();
            }
            try {
                waitOrFail(deadline, idle, ++turns);
            } catch (SlotFault f) {
                owners.set(slot, ABANDONED);
                throw f;
            }
        }
        int bytes = queue.getInt(wordOffset(slot, BYTE_COUNT));
        int errorTag = queue.getInt(wordOffset(slot, TAG));
        queue.putIntRelease(status, EMPTY);
        owners.set(slot, FREE);
        long end = System.nanoTime();
        if (served) {
            servedHere.add(end - start);
        } else {
            claimWaits.add((claimedSeen == 0 ? end : claimedSeen) - start);
        }
        waits.add(end - start);
        return checkedBytes(s == STATUS_OK, bytes, byteCount, errorTag);
    }

    /** The IO requests that completed (well or with an error) and how long workers waited for them. */
    TimeTally waits() {
        return waits;
    }

    /** Of those requests, the READs the workers served themselves, and the time each took. */
    TimeTally servedHere() {
        return servedHere;
    }

    /** Of those waits for a pump, upper bounds on the parts before it claimed each request. */
    TimeTally claimWaits() {
        return claimWaits;
    }

    /**
     * What a completion means for the slot, trusting no count beyond what was asked: OK must report exactly
     * the asked bytes, a SHORT_READ fewer.
     */
    static int checkedBytes(boolean ok, int bytes, int asked, int errorTag) {
        if (ok) {
            if (bytes != asked) {
                throw new SlotFault(SlotError.BAD_COMPLETION, bytes);
            }
            return bytes;
        }
        if (errorTag == IoError.SHORT_READ.code()) {
            if (Integer.compareUnsigned(bytes, asked) >= 0) {
                throw new SlotFault(SlotError.BAD_COMPLETION, bytes);
            }
            throw new SlotFault(SlotError.SHORT_READ, bytes);
        }
        throw new SlotFault(SlotError.IO_ERROR, errorTag);
    }

    /**
     * Takes a FREE slot of the partition starting at {@code base}, or an ABANDONED one the host has completed
     * since, probing from a rotating start.
     */
    private int own(int base, long deadline, IdleStrategy idle) {
        idle.reset();
        int turns = 0;
        while (true) {
            int start = (int) Long.remainderUnsigned(probeStart.getAndIncrement(), partitionSlots);
            for (int i = 0; i < partitionSlots; i++) {
                int slot = base + (start + i) % partitionSlots;
                int owner = owners.get(slot);
                if (owner == FREE && owners.compareAndSet(slot, FREE, BUSY)) {
                    return slot;
                }
                if (owner == ABANDONED && isCompleted(slot) && owners.compareAndSet(slot, ABANDONED, BUSY)) {
                    queue.putIntRelease(wordOffset(slot, STATUS), EMPTY);
                    return slot;
                }
            }
            waitOrFail(deadline, idle, ++turns);
        }
    }

    private boolean isCompleted(int slot) {
        int s = queue.getIntAcquire(wordOffset(slot, STATUS));
        return s == STATUS_OK || s == STATUS_ERROR;
    }

    /**
     * One idle turn of a worker waiting on the IO queue; every 64th advances the heartbeat: the worker is alive,
     * waiting for the host, and a kernel whose workers all wait on slow IO is not hung (the IO wait has its own
     * limit, which ends in IO_ERROR).
     */
    private void waitOrFail(long deadline, IdleStrategy idle, int turns) {
        if ((turns & 63) == 0) {
            control.beat();
        }
        if (control.isShutdownRequested()) {
            throw new SlotFault(SlotError.SHUTDOWN, 0);
        }
        if (System.nanoTime() - deadline > 0) {
            throw new SlotFault(SlotError.IO_ERROR, 0);
        }
        idle.idle();
    }
}
