package io.vyre.runtime.protocol;

/**
 * A request the kernel posted into the IO queue, as the host decodes it.
 *
 * @param slot      slot index in the IO queue
 * @param op        IoQueueDescriptor.OP_READ, OP_WRITE or OP_FENCE
 * @param srcHandle io_source_capability_table handle
 * @param dstHandle io_destination_capability_table handle
 * @param offset    64-bit storage-side byte offset
 * @param byteCount requested bytes (unsigned)
 * @param tag       caller's correlation tag
 */
public record IoRequest(int slot, int op, int srcHandle, int dstHandle, long offset, int byteCount, int tag) {

    public long byteCountUnsigned() {
        return Integer.toUnsignedLong(byteCount);
    }

    @Override
    public String toString() {
        return "IoRequest{slot=" + slot + ", op=" + IoQueueDescriptor.opName(op) + ", src=" + srcHandle
            + ", dst=" + dstHandle + ", offset=" + offset + ", bytes=" + byteCountUnsigned() + ", tag=" + tag + '}';
    }
}
