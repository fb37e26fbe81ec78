package io.vyre.flink.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.ScanProgram;
import io.vyre.flink.program.VyrePrograms;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** A chunk's matches handed over one refilled element at a time: the records, keys and positions of a list. */
class MatchRecordsTest {
    private final ScanProgram program = VyrePrograms.scanText(List.of("ab", "b", "abc"), false);

    private static long entry(long offset, int id) {
        return offset << 32 | Integer.toUnsignedLong(id);
    }

    @Test
    void handsOverTheRangeInOrderWithTheChunksPositions() {
        long[] entries = {entry(0, 0), entry(1, 1), entry(1, 2), entry(7, 1), entry(9, 0)};
        // [1, 4): the first entry was emitted before a restore, the last is past the chunk's range
        MatchRecords<ScanMatch> records = new MatchRecords<>(program, "/in/a.log", entries, 1, 4, 1000, 900, 1008);

        assertThat(records).hasSize(3);
        List<String> seen = new ArrayList<>();
        for (VyreElement<ScanMatch> e : records) {
            // taken as the emitter takes it: before the next one is asked for
            seen.add(e.record().toLine() + " key=" + e.resultStart() + "/" + e.resultId() + " chunk=" + e.chunkStart()
                + " next=" + e.nextOffset() + (e.last() ? " last" : ""));
        }
        assertThat(seen).containsExactly(
            "/in/a.log\t1001\t1 key=1001/1 chunk=900 next=1008",
            "/in/a.log\t1001\t2 key=1001/2 chunk=900 next=1008",
            "/in/a.log\t1007\t1 key=1007/1 chunk=900 next=1008 last");
    }

    @Test
    void eachIterationStartsAgainAndEndsClearly() {
        long[] entries = {entry(3, 0), entry(5, 1)};
        MatchRecords<ScanMatch> records = new MatchRecords<>(program, "p", entries, 0, 2, 0, 0, 10);
        for (int pass = 0; pass < 2; pass++) {
            Iterator<VyreElement<ScanMatch>> it = records.iterator();
            assertThat(it.next().record()).isEqualTo(new ScanMatch("p", 3, 0));
            assertThat(it.next().record()).isEqualTo(new ScanMatch("p", 5, 1));
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        }
    }

    @Test
    void aChunkWithoutMatchesIsAMarkerNotAnEmptyRange() {
        assertThatThrownBy(() -> new MatchRecords<>(program, "p", new long[] {entry(1, 0)}, 1, 1, 0, 0, 10))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("marker");
        assertThat(ReaderCore.positionOnly(new MatchRecords<>(program, "p", new long[] {entry(1, 0)}, 0, 1, 0, 0, 10)))
            .isFalse();
        assertThat(ReaderCore.positionOnly(List.of(new VyreElement<ScanMatch>(null, 0, -1, 0, 10, true)))).isTrue();
    }
}
