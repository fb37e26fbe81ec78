package io.vyre.runtime.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.protocol.OutputRegionDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An output region read by the host: entries within the count it read, whatever is appended meanwhile. */
class OutputRegionTest {
    private final NativeMemory memory = new NativeMemory(1L << 20);
    private final OutputRegion region = new OutputRegion(7, memory.allocate("out",
        OutputRegionDescriptor.byteLength(64)));

    @AfterEach
    void free() {
        memory.close();
    }

    private void emit(int offset, int patternId) {
        int at = region.reserve(OutputRegionDescriptor.MATCH_ENTRY_WORDS);
        region.putWord(at, offset);
        region.putWord(at + 1, patternId);
    }

    @Test
    void shouldGiveTheMatchesWithinTheCountTheReaderReadEvenIfMoreAreAppendedMeanwhile() {
        region.reset();
        emit(10, 1);
        emit(20, 2);
        int words = region.filledWords();
        List<String> seen = new ArrayList<>();
        int n = region.forEachMatch(words, (offset, id) -> {
            seen.add(offset + ":" + id);
            if (seen.size() == 1) {
                emit(30, 3);  // a late writer: the count the reader sized its arrays for must hold
            }
        });
        assertThat(n).isEqualTo(2);
        assertThat(seen).containsExactly("10:1", "20:2");
        assertThat(region.filledWords()).as("the late entry is there, for a reader that checks the count again")
            .isEqualTo(words + OutputRegionDescriptor.MATCH_ENTRY_WORDS);
        assertThat(region.forEachMatch((offset, id) -> { })).isEqualTo(3);
    }

    @Test
    void shouldNeverGiveMoreThanTheRegionHoldsOrAHalfEntry() {
        region.reset();
        emit(1, 1);
        assertThat(region.forEachMatch(3, (offset, id) -> { })).as("a half entry is not one").isEqualTo(1);
        assertThat(region.forEachMatch(1 << 20, (offset, id) -> { })).as("past the capacity").isEqualTo(32);
    }
}
