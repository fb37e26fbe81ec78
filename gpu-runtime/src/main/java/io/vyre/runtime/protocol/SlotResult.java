package io.vyre.runtime.protocol;

/**
 * What the kernel left in a DONE work-ring slot.
 *
 * @param sequence  the host's publish sequence of the slot
 * @param opcode    the slot's opcode
 * @param result    RESULT word (register r8)
 * @param errorWord ERROR word: SlotError code | failing op index &lt;&lt; 16
 * @param detail    DETAIL word: register r9 on success, the error's detail on failure
 */
public record SlotResult(long sequence, int opcode, int result, int errorWord, int detail) {

    public boolean ok() {
        return errorWord == 0;
    }

    public SlotError error() {
        return SlotError.fromCode(WorkRingDescriptor.errorCode(errorWord));
    }

    public int failedOpIndex() {
        return WorkRingDescriptor.errorOpIndex(errorWord);
    }

    public long resultUnsigned() {
        return Integer.toUnsignedLong(result);
    }

    public String describe() {
        if (ok()) {
            return "slot " + sequence + " ok: result=" + resultUnsigned() + " detail=" + Integer.toUnsignedLong(detail);
        }
        SlotError e = error();
        return "slot " + sequence + " failed at op " + failedOpIndex() + " with " + e + " (detail "
            + Integer.toUnsignedLong(detail) + "): " + e.meaning();
    }
}
