package io.vyre.runtime.protocol;

/**
 * Layout of an output region, where programs emit results through an atomic cursor.
 *
 * <pre>
 *   word 0  CURSOR      words appended so far (may pass CAPACITY: the emitting op then fails OUTPUT_OVERFLOW)
 *   word 1  CAPACITY    words available for entries (host)
 *   words 2-7           reserved, zero
 *   words 8..           entries, packed: EMIT_MATCHES writes [offset, patternId] (2 words),
 *                       EMIT_RECORDS writes [offset, length, value] (3 words); offsets are byte offsets
 *                       into the invocation's input buffer
 * </pre>
 *
 * The host zeroes CURSOR before publishing an invocation that emits into the region and reads the
 * entries once the slot is DONE. Emission order is unspecified (GPU threads race on the cursor);
 * readers sort.
 */
public final class OutputRegionDescriptor {
    public static final int HEADER_WORDS = 8;
    public static final int HEADER_BYTES = HEADER_WORDS * Integer.BYTES;
    public static final int CURSOR = 0;
    public static final int CAPACITY = 1;

    public static final int MATCH_ENTRY_WORDS = 2;
    public static final int RECORD_ENTRY_WORDS = 3;

    private OutputRegionDescriptor() {
    }

    public static int entryWordOffset(int word) {
        return HEADER_BYTES + word * Integer.BYTES;
    }

    public static int byteLength(int capacityWords) {
        if (capacityWords < 0) {
            throw new IllegalArgumentException("output region capacity " + capacityWords + " words is negative");
        }
        return HEADER_BYTES + capacityWords * Integer.BYTES;
    }
}
