package io.vyre.runtime.memory;

import static io.vyre.runtime.protocol.OutputRegionDescriptor.*;

import org.agrona.concurrent.AtomicBuffer;

/**
 * Flyweight over an output region ({@link io.vyre.runtime.protocol.OutputRegionDescriptor}): the host's
 * reset and read, and the CPU megakernel's reservation.
 */
public final class OutputRegion {
    private static final int CURSOR_OFFSET = CURSOR * Integer.BYTES;
    private static final int GENERATION_OFFSET = GENERATION * Integer.BYTES;

    private final int handle;
    private final NativeBuffer memory;
    private final AtomicBuffer buffer;
    private final int capacityWords;

    public OutputRegion(int handle, NativeBuffer memory) {
        this.handle = handle;
        this.memory = memory;
        this.buffer = memory.buffer();
        this.capacityWords = (memory.capacity() - HEADER_BYTES) / Integer.BYTES;
        buffer.putInt(CAPACITY * Integer.BYTES, capacityWords);
    }

    public int handle() {
        return handle;
    }

    public NativeBuffer memory() {
        return memory;
    }

    public int capacityWords() {
        return capacityWords;
    }

    /** Host: empties the region before an invocation that emits into it, by starting a new generation. */
    public void reset() {
        buffer.putIntRelease(GENERATION_OFFSET, generation() + 1);
    }

    /** The host's current generation. */
    public int generation() {
        return buffer.getIntVolatile(GENERATION_OFFSET);
    }

    /** Words appended in the current generation (never more than the capacity). */
    public int cursorWords() {
        int generation = generation();
        return cursorIn(buffer.getLongVolatile(CURSOR_OFFSET), generation);
    }

    /** Words that hold entries. */
    public int filledWords() {
        return Math.min(cursorWords(), capacityWords);
    }

    public int word(int index) {
        return buffer.getInt(entryWordOffset(index));
    }

    /**
     * Kernel (CPU megakernel): reserves {@code words} words in the current generation, only if they fit.
     *
     * @return the first reserved word index, or -1 (the cursor unchanged) when they do not fit
     */
    public int reserve(int words) {
        int generation = generation();
        while (true) {
            long packed = buffer.getLongVolatile(CURSOR_OFFSET);
            int at = cursorIn(packed, generation);
            if (words < 0 || (long) at + words > capacityWords) {
                return -1;
            }
            if (buffer.compareAndSetLong(CURSOR_OFFSET, packed, packCursor(generation, at + words))) {
                return at;
            }
        }
    }

    /** Calls {@code consumer} for each [offset, patternId] entry (emission order, which is unspecified). */
    public int forEachMatch(MatchConsumer consumer) {
        return forEachMatch(filledWords(), consumer);
    }

    /**
     * Calls {@code consumer} for each [offset, patternId] entry within the first {@code filledWords} words: a count
     * the caller read once ({@link #filledWords}), so that what it sized for that count is what it is given.
     */
    public int forEachMatch(int filledWords, MatchConsumer consumer) {
        int words = Math.min(filledWords, capacityWords);
        words -= words % MATCH_ENTRY_WORDS;
        for (int w = 0; w < words; w += MATCH_ENTRY_WORDS) {
            consumer.accept(word(w), word(w + 1));
        }
        return words / MATCH_ENTRY_WORDS;
    }

    /** Calls {@code consumer} for each [offset, length, value] entry. */
    public int forEachRecord(RecordConsumer consumer) {
        int filled = filledWords();
        int words = filled - filled % RECORD_ENTRY_WORDS;
        for (int w = 0; w < words; w += RECORD_ENTRY_WORDS) {
            consumer.accept(word(w), word(w + 1), word(w + 2));
        }
        return words / RECORD_ENTRY_WORDS;
    }

    @FunctionalInterface
    public interface MatchConsumer {
        void accept(int offset, int patternId);
    }

    @FunctionalInterface
    public interface RecordConsumer {
        void accept(int offset, int length, int value);
    }

    public void putWord(int index, int value) {
        buffer.putInt(entryWordOffset(index), value);
    }
}
