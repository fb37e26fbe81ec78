package io.vyre.runtime.protocol;

import static io.vyre.runtime.protocol.IoQueueDescriptor.*;
import static io.vyre.runtime.protocol.WorkRingDescriptor.CLAIMED;
import static io.vyre.runtime.protocol.WorkRingDescriptor.EMPTY;
import static io.vyre.runtime.protocol.WorkRingDescriptor.PUBLISHED;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The host surface of the megakernel IO queue (vyre-runtime's {@code MegakernelIoQueue}): poll, claim
 * into a caller's array, peek, complete one or a batch, with fallible {@code try*} variants, plus
 * encoding an empty queue and validating queue bytes. Layout: {@link IoQueueDescriptor}.
 *
 * <p>A runtime shared by tenants splits its queue into one <em>partition</em> per tenant: tenant {@code t}'s
 * kernel requests only ever take slots {@code [t * partitionSlots, (t + 1) * partitionSlots)}, and the pump
 * resolves their handles through that tenant's capabilities only. Each tenant thus owns an IO queue of its
 * own, laid out back to back with the others' so one pump serves them all.
 */
public final class MegakernelIoQueue {
    private final AtomicBuffer buffer;
    private final int slotCount;
    private final int partitions;

    public MegakernelIoQueue(AtomicBuffer buffer, int slotCount) {
        this(buffer, slotCount, 1);
    }

    /** A queue of {@code partitions} equal partitions ({@code slotCount} must be a multiple of it). */
    public MegakernelIoQueue(AtomicBuffer buffer, int slotCount, int partitions) {
        checkSlotCount(slotCount);
        if (partitions < 1 || slotCount % partitions != 0) {
            throw new IllegalArgumentException("an IO queue of " + slotCount + " slots cannot be split into "
                + partitions + " equal partitions");
        }
        if (buffer.capacity() < byteLength(slotCount)) {
            throw new IllegalArgumentException("IO queue of " + slotCount + " slots needs " + byteLength(slotCount)
                + " bytes, the buffer has " + buffer.capacity());
        }
        this.buffer = buffer;
        this.slotCount = slotCount;
        this.partitions = partitions;
    }

    public int slotCount() {
        return slotCount;
    }

    /** How many tenant partitions the queue has (1: one queue for the whole runtime). */
    public int partitions() {
        return partitions;
    }

    /** Slots per partition. */
    public int partitionSlots() {
        return slotCount / partitions;
    }

    /** The partition (tenant) whose requests {@code slot} carries. */
    public int partitionOf(int slot) {
        return checkSlot(slot) / partitionSlots();
    }

    public AtomicBuffer buffer() {
        return buffer;
    }

    public int status(int slot) {
        return buffer.getIntVolatile(wordOffset(checkSlot(slot), STATUS));
    }

    /** Requests the kernel has PUBLISHED, without claiming them. */
    public List<IoRequest> poll() {
        List<IoRequest> out = new ArrayList<>();
        for (int slot = 0; slot < slotCount; slot++) {
            if (buffer.getIntAcquire(wordOffset(slot, STATUS)) == PUBLISHED) {
                out.add(read(slot));
            }
        }
        return out;
    }

    /** Fills {@code out} with PUBLISHED requests without claiming them; returns how many. */
    public int pollInto(IoRequest[] out) {
        int n = 0;
        for (int slot = 0; slot < slotCount && n < out.length; slot++) {
            if (buffer.getIntAcquire(wordOffset(slot, STATUS)) == PUBLISHED) {
                out[n++] = read(slot);
            }
        }
        return n;
    }

    /**
     * Claims PUBLISHED requests (CAS PUBLISHED → CLAIMED) into the caller's array, lowest slot first.
     * Malformed requests are claimed too, so that the caller completes them with {@link IoError#BAD_REQUEST}
     * rather than leaving the kernel waiting.
     *
     * @return the number of requests claimed
     */
    public int claimInto(IoRequest[] out) {
        return claimInto(out, 0, 1);
    }

    /**
     * Claims the PUBLISHED requests of the partitions {@code p} with {@code p % shards == shard} (a runtime
     * with several pumps gives each pump its own partitions), up to {@code out.length}.
     */
    public int claimInto(IoRequest[] out, int shard, int shards) {
        return claimInto(out, shard, shards, partitions);
    }

    /** As {@link #claimInto(IoRequest[], int, int)}, over the partitions below {@code partitionLimit} only. */
    public int claimInto(IoRequest[] out, int shard, int shards, int partitionLimit) {
        int n = 0;
        int size = partitionSlots();
        int end = Math.min(partitions, partitionLimit);
        for (int p = shard; p < end && n < out.length; p += shards) {
            for (int slot = p * size; slot < (p + 1) * size && n < out.length; slot++) {
                int at = wordOffset(slot, STATUS);
                if (buffer.getIntAcquire(at) == PUBLISHED && buffer.compareAndSetInt(at, PUBLISHED, CLAIMED)) {
                    out[n++] = read(slot);
                }
            }
        }
        return n;
    }

    /**
     * Posts the request written into the EMPTY {@code slot} already claimed (EMPTY → CLAIMED), for a poster that
     * serves it itself: no pump ever sees it PUBLISHED, and it is open (see {@link #hasOpenRequestOn}) until its
     * completion like any other.
     *
     * @throws IllegalStateException when the slot is not EMPTY (it holds another request)
     */
    public IoRequest postClaimed(int slot) {
        int at = wordOffset(checkSlot(slot), STATUS);
        if (!buffer.compareAndSetInt(at, EMPTY, CLAIMED)) {
            throw new IllegalStateException("IO queue slot " + slot + " is not EMPTY (status "
                + buffer.getIntVolatile(at) + "): only a free slot takes a new request");
        }
        return read(slot);
    }

    /**
     * Whether a request that moves bytes into or out of {@code bufferHandle} is PUBLISHED or CLAIMED: a READ
     * into it or a WRITE from it the host has not completed yet.
     */
    public boolean hasOpenRequestOn(int bufferHandle) {
        for (int slot = 0; slot < slotCount; slot++) {
            int status = buffer.getIntAcquire(wordOffset(slot, STATUS));
            if (status != PUBLISHED && status != CLAIMED) {
                continue;
            }
            int op = buffer.getInt(wordOffset(slot, OP_TYPE));
            if ((op == OP_READ && buffer.getInt(wordOffset(slot, DST_HANDLE)) == bufferHandle)
                || (op == OP_WRITE && buffer.getInt(wordOffset(slot, SRC_HANDLE)) == bufferHandle)) {
                return true;
            }
        }
        return false;
    }

    /** The request in {@code slot} when it is PUBLISHED or CLAIMED, else {@code null}. */
    public IoRequest tryPeek(int slot) {
        if (slot < 0 || slot >= slotCount) {
            return null;
        }
        int status = buffer.getIntAcquire(wordOffset(slot, STATUS));
        return status == PUBLISHED || status == CLAIMED ? read(slot) : null;
    }

    public IoRequest peek(int slot) {
        checkSlot(slot);
        return tryPeek(slot);
    }

    public IoQueueFault tryComplete(IoCompletion completion) {
        IoQueueFault fault = check(completion);
        if (fault == IoQueueFault.NONE) {
            write(completion);
        }
        return fault;
    }

    public void complete(IoCompletion completion) {
        IoQueueFault fault = tryComplete(completion);
        if (fault != IoQueueFault.NONE) {
            throw new IoQueueException(fault, completion.slot(), "cannot complete " + completion);
        }
    }

    /** Completes every completion or, when any of them is at fault, none of them. */
    public IoQueueFault tryCompleteBatch(Collection<IoCompletion> completions) {
        boolean[] seen = new boolean[slotCount];
        for (IoCompletion c : completions) {
            IoQueueFault fault = check(c);
            if (fault != IoQueueFault.NONE) {
                return fault;
            }
            if (seen[c.slot()]) {
                return IoQueueFault.DUPLICATE_SLOT;
            }
            seen[c.slot()] = true;
        }
        for (IoCompletion c : completions) {
            write(c);
        }
        return IoQueueFault.NONE;
    }

    public void completeBatch(Collection<IoCompletion> completions) {
        IoQueueFault fault = tryCompleteBatch(completions);
        if (fault != IoQueueFault.NONE) {
            int slot = completions.isEmpty() ? -1 : completions.iterator().next().slot();
            for (IoCompletion c : completions) {
                if (check(c) != IoQueueFault.NONE) {
                    slot = c.slot();
                    break;
                }
            }
            throw new IoQueueException(fault, slot, "cannot complete a batch of " + completions.size());
        }
    }

    private IoQueueFault check(IoCompletion c) {
        if (c.slot() < 0 || c.slot() >= slotCount) {
            return IoQueueFault.SLOT_OUT_OF_RANGE;
        }
        if (buffer.getIntVolatile(wordOffset(c.slot(), STATUS)) != CLAIMED) {
            return IoQueueFault.NOT_CLAIMED;
        }
        return IoQueueFault.NONE;
    }

    private void write(IoCompletion c) {
        buffer.putInt(wordOffset(c.slot(), BYTE_COUNT), c.byteCount());
        buffer.putInt(wordOffset(c.slot(), TAG), c.tag());
        buffer.putIntRelease(wordOffset(c.slot(), STATUS), c.status());
    }

    private IoRequest read(int slot) {
        long lo = Integer.toUnsignedLong(buffer.getInt(wordOffset(slot, OFFSET_LO)));
        long hi = Integer.toUnsignedLong(buffer.getInt(wordOffset(slot, OFFSET_HI)));
        return new IoRequest(slot,
            buffer.getInt(wordOffset(slot, OP_TYPE)),
            buffer.getInt(wordOffset(slot, SRC_HANDLE)),
            buffer.getInt(wordOffset(slot, DST_HANDLE)),
            (hi << 32) | lo,
            buffer.getInt(wordOffset(slot, BYTE_COUNT)),
            buffer.getInt(wordOffset(slot, TAG)));
    }

    private int checkSlot(int slot) {
        if (slot < 0 || slot >= slotCount) {
            throw new IoQueueException(IoQueueFault.SLOT_OUT_OF_RANGE, slot, "IO queue of " + slotCount + " slots");
        }
        return slot;
    }

    /** Bytes of an empty queue of {@code slotCount} slots: every word zero, every slot EMPTY. */
    public static byte[] encodeEmpty(int slotCount) {
        return new byte[byteLength(slotCount)];
    }

    public static IoQueueFault tryEncodeEmptyInto(MutableDirectBuffer dst, int offset, int slotCount) {
        if (slotCount < 1 || slotCount > MAX_SLOT_COUNT) {
            return IoQueueFault.BAD_SLOT_COUNT;
        }
        int length = slotCount * SLOT_BYTES;
        if (offset < 0 || (long) offset + length > dst.capacity()) {
            return IoQueueFault.DESTINATION_TOO_SMALL;
        }
        dst.setMemory(offset, length, (byte) 0);
        return IoQueueFault.NONE;
    }

    /**
     * Checks that {@code bytes} is a well-formed queue: a whole number of slots within bounds, every status
     * known, every non-empty slot a known op, every ERROR tag a known IoError code.
     *
     * @return the slot count
     * @throws IoQueueFormatException naming the slot and word that are wrong
     */
    public static int validate(DirectBuffer bytes) {
        int length = bytes.capacity();
        if (length == 0 || length % SLOT_BYTES != 0) {
            throw new IoQueueFormatException(length / SLOT_BYTES, -1, length + " bytes is not a whole, non-zero"
                + " number of " + SLOT_BYTES + "-byte slots: size it with IoQueueDescriptor.byteLength(slots)");
        }
        int slots = length / SLOT_BYTES;
        if (slots > MAX_SLOT_COUNT) {
            throw new IoQueueFormatException(slots, -1, slots + " slots exceed the maximum " + MAX_SLOT_COUNT);
        }
        for (int slot = 0; slot < slots; slot++) {
            int status = bytes.getInt(wordOffset(slot, STATUS), ByteOrder.LITTLE_ENDIAN);
            if (!isKnownStatus(status)) {
                throw new IoQueueFormatException(slot, STATUS, "unknown status " + status
                    + "; statuses are EMPTY 0, PUBLISHED 1, CLAIMED 2, DONE 3, OK 0x10, ERROR 0x11");
            }
            int op = bytes.getInt(wordOffset(slot, OP_TYPE), ByteOrder.LITTLE_ENDIAN);
            if (status != EMPTY && !isKnownOp(op)) {
                throw new IoQueueFormatException(slot, OP_TYPE, "unknown op type 0x" + Integer.toHexString(op)
                    + " in a " + statusName(status) + " slot; ops are READ 0x01, WRITE 0x02, FENCE 0x03");
            }
            int tag = bytes.getInt(wordOffset(slot, TAG), ByteOrder.LITTLE_ENDIAN);
            if (status == STATUS_ERROR && IoError.fromCode(tag) == null) {
                throw new IoQueueFormatException(slot, TAG, "ERROR slot carries unknown error code " + tag);
            }
        }
        return slots;
    }

    public static int validate(byte[] bytes) {
        return validate(new UnsafeBuffer(bytes));
    }
}
