package io.vyre.runtime.protocol;

/**
 * Layout of the megakernel work ring: {@code capacity} slots of {@link #SLOT_WORDS} little-endian u32
 * words each, {@link #SLOT_BYTES} bytes, so a slot never straddles a 64-byte cache line.
 *
 * <pre>
 *   word   0  STATUS    EMPTY → PUBLISHED (host) → CLAIMED (kernel) → DONE (kernel) → EMPTY (host)
 *   word   1  OPCODE    VIR0 opcode of the slot's instruction (see bytecode.Opcode)
 *   word   2  TENANT    tenant id in [0, ControlBlockDescriptor.TENANT_COUNT)
 *   word   3  PRIORITY  0 (lowest) .. PRIORITY_LEVELS - 1 (highest); claimed highest first
 *   words 4-11 ARG0..ARG7  the instruction's operands, immediates
 *   word  12  SEQUENCE  low 32 bits of the host's publish sequence; orders BATCH_FENCE
 *   word  13  RESULT    kernel: register r8 when the slot finished
 *   word  14  ERROR     kernel: 0, or SlotError code (low 16 bits) | failing op index (high 16 bits)
 *   word  15  DETAIL    host, at publish: the SEAL of words 1-12 (see {@link #seal});
 *                       kernel: register r9 on success, the error's detail on failure
 * </pre>
 *
 * Each word has exactly one writer at a time: the host owns a slot while it is EMPTY or DONE, the
 * kernel while it is PUBLISHED (it may claim it) or CLAIMED. The handover is the STATUS word, written
 * last with release semantics and read first with acquire semantics. A failed op still ends in DONE,
 * with a non-zero ERROR word: the kernel never drops a slot.
 *
 * <p>A reader that cannot acquire STATUS (a GPU reading the ring over PCIe, where the words of one slot
 * may be served at slightly different times) accepts a slot only when STATUS is PUBLISHED, SEQUENCE is
 * the one it expects and the seal matches: a slot read half-written fails the seal and is read again.
 */
public final class WorkRingDescriptor {
    public static final int SLOT_WORDS = 16;
    public static final int SLOT_BYTES = SLOT_WORDS * Integer.BYTES;
    public static final int ARG_COUNT = 8;
    public static final int PRIORITY_LEVELS = 6;

    public static final int STATUS_WORD = 0;
    public static final int OPCODE_WORD = 1;
    public static final int TENANT_WORD = 2;
    public static final int PRIORITY_WORD = 3;
    public static final int ARG0_WORD = 4;
    public static final int SEQUENCE_WORD = 12;
    public static final int RESULT_WORD = 13;
    public static final int ERROR_WORD = 14;
    public static final int DETAIL_WORD = 15;

    /** Slot statuses, shared by the work ring and the IO queue. */
    public static final int EMPTY = 0;
    public static final int PUBLISHED = 1;
    public static final int CLAIMED = 2;
    public static final int DONE = 3;

    /** Default and bounds for the number of slots; a power of two so that {@code seq & mask} indexes. */
    public static final int DEFAULT_CAPACITY = 256;
    public static final int MAX_CAPACITY = 1 << 16;

    private WorkRingDescriptor() {
    }

    public static int slotOffset(int slot) {
        return slot * SLOT_BYTES;
    }

    public static int wordOffset(int slot, int word) {
        return slot * SLOT_BYTES + word * Integer.BYTES;
    }

    public static int argOffset(int slot, int arg) {
        return wordOffset(slot, ARG0_WORD + arg);
    }

    public static int byteLength(int capacity) {
        checkCapacity(capacity);
        return capacity * SLOT_BYTES;
    }

    /** The smallest power of two (16 at least) with room for twice {@code inFlight} slots. */
    public static int capacityFor(int inFlight) {
        int capacity = 16;
        while (capacity < 2 * inFlight) {
            capacity <<= 1;
        }
        return capacity;
    }

    public static void checkCapacity(int capacity) {
        if (capacity < 2 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("work ring capacity " + capacity
                + " is not a power of two in [2, " + MAX_CAPACITY + "]: pick e.g. " + DEFAULT_CAPACITY);
        }
    }

    /** Multiplier of the word-wise FNV-1a seal; every single-word change of words 1-12 changes the seal. */
    public static final int SEAL_PRIME = 0x01000193;
    public static final int SEAL_BASIS = 0x811C9DC5;

    /**
     * The seal of a slot's words 1-12 (opcode, tenant, priority, the eight arguments, sequence): word-wise
     * FNV-1a, {@code h = (h ^ word) * SEAL_PRIME} from {@link #SEAL_BASIS}.
     */
    public static int seal(int opcode, int tenant, int priority, int[] args, int sequence) {
        int h = (SEAL_BASIS ^ opcode) * SEAL_PRIME;
        h = (h ^ tenant) * SEAL_PRIME;
        h = (h ^ priority) * SEAL_PRIME;
        for (int i = 0; i < ARG_COUNT; i++) {
            h = (h ^ (i < args.length ? args[i] : 0)) * SEAL_PRIME;
        }
        return (h ^ sequence) * SEAL_PRIME;
    }

    public static int errorCode(int errorWord) {
        return errorWord & 0xFFFF;
    }

    public static int errorOpIndex(int errorWord) {
        return errorWord >>> 16;
    }

    public static int errorWord(int code, int opIndex) {
        return (code & 0xFFFF) | (opIndex << 16);
    }

    public static String statusName(int status) {
        switch (status) {
            case EMPTY: return "EMPTY";
            case PUBLISHED: return "PUBLISHED";
            case CLAIMED: return "CLAIMED";
            case DONE: return "DONE";
            default: return "UNKNOWN(" + status + ")";
        }
    }
}
