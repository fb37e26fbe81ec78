package io.vyre.runtime.protocol;

/**
 * Layout of an output region, where programs emit results through a cursor.
 *
 * <pre>
 *   word 0  CURSOR             kernel: words appended in generation CURSOR_GENERATION, never past CAPACITY
 *   word 1  CURSOR_GENERATION  kernel: the generation CURSOR counts in (words 0-1 are one 8-byte store)
 *   word 2  CAPACITY           host: words available for entries
 *   word 3  GENERATION         host: +1 per reset; a cursor of any other generation reads as 0
 *   words 4-7                  reserved, zero
 *   words 8..                  entries, packed: EMIT_MATCHES writes [offset, patternId] (2 words),
 *                              EMIT_RECORDS writes [offset, length, value] (3 words); offsets are byte
 *                              offsets into the invocation's input buffer
 * </pre>
 *
 * Every word has one writer. The host empties a region by advancing GENERATION (it never writes the
 * cursor), the kernel reserves entries by advancing the cursor of the current generation only while they
 * fit: an emit that would pass CAPACITY fails OUTPUT_OVERFLOW and leaves the cursor where it was, so it
 * never counts words that were not written. The CPU megakernel CASes words 0-1 in place; the CUDA kernel
 * keeps the cursor in device memory and copies it here before the slot that emitted is DONE. Readers read
 * entries once every slot emitting into the region is DONE; emission order is unspecified (readers sort).
 */
public final class OutputRegionDescriptor {
    public static final int HEADER_WORDS = 8;
    public static final int HEADER_BYTES = HEADER_WORDS * Integer.BYTES;
    public static final int CURSOR = 0;
    public static final int CURSOR_GENERATION = 1;
    public static final int CAPACITY = 2;
    public static final int GENERATION = 3;

    public static final int MATCH_ENTRY_WORDS = 2;
    public static final int RECORD_ENTRY_WORDS = 3;

    private OutputRegionDescriptor() {
    }

    public static int entryWordOffset(int word) {
        return HEADER_BYTES + word * Integer.BYTES;
    }

    /** The CURSOR and CURSOR_GENERATION words as one little-endian long: cursor low, generation high. */
    public static long packCursor(int generation, int cursorWords) {
        return (long) generation << 32 | Integer.toUnsignedLong(cursorWords);
    }

    /** Words filled in {@code generation} according to a packed cursor: 0 when it counts another generation. */
    public static int cursorIn(long packedCursor, int generation) {
        return (int) (packedCursor >>> 32) == generation ? (int) packedCursor : 0;
    }

    public static int byteLength(int capacityWords) {
        if (capacityWords < 0) {
            throw new IllegalArgumentException("output region capacity " + capacityWords + " words is negative");
        }
        return HEADER_BYTES + capacityWords * Integer.BYTES;
    }
}
