package io.vyre.runtime.memory;

import static io.vyre.runtime.protocol.OutputRegionDescriptor.*;

import org.agrona.concurrent.AtomicBuffer;

/**
 * Flyweight over an output region ({@link io.vyre.runtime.protocol.OutputRegionDescriptor}) with the
 * kernel's append and the host's reset and read.
 */
public final class OutputRegion {
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

    /** Host: empties the region before an invocation that emits into it. */
    public void reset() {
        buffer.putIntRelease(CURSOR * Integer.BYTES, 0);
    }

    /** Words the last invocation appended (may exceed the capacity when it overflowed). */
    public int cursorWords() {
        return buffer.getIntVolatile(CURSOR * Integer.BYTES);
    }

    /** Words that hold entries: the cursor, clamped to the capacity. */
    public int filledWords() {
        return Math.min(cursorWords(), capacityWords);
    }

    public int word(int index) {
        return buffer.getInt(entryWordOffset(index));
    }

    /**
     * Kernel: reserves {@code words} words with an atomic add on the cursor.
     *
     * @return the first reserved word index, or -1 (with the cursor still advanced) when it does not fit
     */
    public int reserve(int words) {
        int at = buffer.getAndAddInt(CURSOR * Integer.BYTES, words);
        return at >= 0 && at + (long) words <= capacityWords ? at : -1;
    }

    /** Calls {@code consumer} for each [offset, patternId] entry (emission order, which is unspecified). */
    public int forEachMatch(MatchConsumer consumer) {
        int words = filledWords() - filledWords() % MATCH_ENTRY_WORDS;
        for (int w = 0; w < words; w += MATCH_ENTRY_WORDS) {
            consumer.accept(word(w), word(w + 1));
        }
        return words / MATCH_ENTRY_WORDS;
    }

    /** Calls {@code consumer} for each [offset, length, value] entry. */
    public int forEachRecord(RecordConsumer consumer) {
        int words = filledWords() - filledWords() % RECORD_ENTRY_WORDS;
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
