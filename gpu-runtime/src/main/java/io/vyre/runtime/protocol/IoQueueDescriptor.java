package io.vyre.runtime.protocol;

/**
 * Layout of the IO queue through which the kernel asks the host for data, as in vyre-runtime:
 * {@link #DEFAULT_SLOT_COUNT} slots by default, {@link #SLOT_WORDS} little-endian u32 words each.
 *
 * <pre>
 *   word 0  OP_TYPE     READ 0x01 (storage → buffer), WRITE 0x02 (buffer → storage), FENCE 0x03
 *   word 1  SRC_HANDLE  io_source_capability_table handle (READ: a file; WRITE: a buffer)
 *   word 2  DST_HANDLE  io_destination_capability_table handle (READ: an ingest buffer; WRITE: a file)
 *   word 3  OFFSET_LO   storage-side byte offset, low 32 bits (READ: into the source; WRITE: the destination)
 *   word 4  OFFSET_HI   storage-side byte offset, high 32 bits (files over 4 GiB)
 *   word 5  BYTE_COUNT  requested bytes; on completion, the bytes now valid
 *   word 6  STATUS      EMPTY → PUBLISHED (kernel) → CLAIMED (host) → OK | ERROR (host) → EMPTY (kernel)
 *   word 7  TAG         caller's tag; on ERROR, the IoError code
 * </pre>
 *
 * Buffers are always addressed from their first byte. The kernel picks a slot with a ticket it keeps
 * itself (device memory on a GPU), waits for it to be EMPTY, writes words 0-5 and 7, then STATUS with
 * release semantics; the host claims with a CAS and completes by writing BYTE_COUNT, TAG and then
 * STATUS. Handles resolve only through the two capability tables named below.
 */
public final class IoQueueDescriptor {
    public static final int SLOT_WORDS = 8;
    public static final int SLOT_BYTES = SLOT_WORDS * Integer.BYTES;
    public static final int DEFAULT_SLOT_COUNT = 64;
    public static final int MAX_SLOT_COUNT = 1 << 14;

    public static final int OP_TYPE = 0;
    public static final int SRC_HANDLE = 1;
    public static final int DST_HANDLE = 2;
    public static final int OFFSET_LO = 3;
    public static final int OFFSET_HI = 4;
    public static final int BYTE_COUNT = 5;
    public static final int STATUS = 6;
    public static final int TAG = 7;

    public static final int OP_READ = 0x01;
    public static final int OP_WRITE = 0x02;
    public static final int OP_FENCE = 0x03;

    /** Completion statuses written by the host pump; request statuses are WorkRingDescriptor's. */
    public static final int STATUS_OK = 0x10;
    public static final int STATUS_ERROR = 0x11;

    public static final String IO_SOURCE_CAPABILITY_TABLE = "io_source_capability_table";
    public static final String IO_DESTINATION_CAPABILITY_TABLE = "io_destination_capability_table";
    public static final String IO_QUEUE_DMA_TAG = "io_queue_dma";

    private IoQueueDescriptor() {
    }

    public static int wordOffset(int slot, int word) {
        return slot * SLOT_BYTES + word * Integer.BYTES;
    }

    public static int byteLength(int slotCount) {
        checkSlotCount(slotCount);
        return slotCount * SLOT_BYTES;
    }

    public static void checkSlotCount(int slotCount) {
        if (slotCount < 1 || slotCount > MAX_SLOT_COUNT) {
            throw new IllegalArgumentException("IO queue slot count " + slotCount + " is outside [1, "
                + MAX_SLOT_COUNT + "]: the default is " + DEFAULT_SLOT_COUNT);
        }
    }

    public static boolean isKnownOp(int op) {
        return op == OP_READ || op == OP_WRITE || op == OP_FENCE;
    }

    public static boolean isKnownStatus(int status) {
        return (status >= WorkRingDescriptor.EMPTY && status <= WorkRingDescriptor.DONE)
            || status == STATUS_OK || status == STATUS_ERROR;
    }

    public static String opName(int op) {
        switch (op) {
            case OP_READ: return "READ";
            case OP_WRITE: return "WRITE";
            case OP_FENCE: return "FENCE";
            default: return "UNKNOWN(0x" + Integer.toHexString(op) + ")";
        }
    }

    public static String statusName(int status) {
        switch (status) {
            case STATUS_OK: return "OK";
            case STATUS_ERROR: return "ERROR";
            default: return WorkRingDescriptor.statusName(status);
        }
    }
}
