package io.vyre.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.SlotResult;
import io.vyre.runtime.testing.NaiveScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * scan's contract against the naive reference on random data: every occurrence of every pattern,
 * overlaps included, with the input cut into ranges of random length, each read with an overlap of
 * (longest pattern - 1) bytes and keeping the matches that start inside it.
 */
class ScanSemanticsPropertyTest {
    private static VyreRuntime rt;
    private static Path dir;

    @BeforeContainer
    static void open() throws IOException {
        dir = Files.createTempDirectory("scan-prop");
        rt = VyreRuntime.open(new VyreRuntimeContext().name("scan-prop").backend(BackendKind.CPU).cpuWorkers(2)
            .lanes(2).ingestBufferBytes(1 << 16).outputRegionWords(1 << 16));
    }

    @AfterContainer
    static void close() throws IOException {
        rt.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Property(tries = 60)
    void everyOccurrenceOfEveryPatternAcrossRangeBoundaries(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        int alphabet = 2 + rnd.nextInt(4);
        boolean ignoreCase = rnd.nextBoolean();
        byte[] data = new byte[1 + rnd.nextInt(30_000)];
        for (int i = 0; i < data.length; i++) {
            char c = (char) ('a' + rnd.nextInt(alphabet));
            data[i] = (byte) (rnd.nextInt(8) == 0 ? Character.toUpperCase(c) : c);
        }
        List<byte[]> patterns = new ArrayList<>();
        int count = 1 + rnd.nextInt(20);
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[1 + rnd.nextInt(9)];
            for (int k = 0; k < p.length; k++) {
                p[k] = (byte) ('a' + rnd.nextInt(alphabet));
            }
            patterns.add(p);
        }
        Path file = dir.resolve("data-" + seed);
        Files.write(file, data);
        int handle = rt.registerFileForRead(file);
        LoadedProgram scan = rt.load(StandardPrograms.scan(patterns, ignoreCase));
        Lane lane = rt.acquireLane();
        try {
            int overlap = patterns.stream().mapToInt(p -> p.length).max().orElseThrow() - 1;
            List<NaiveScan.Match> got = new ArrayList<>();
            for (int start = 0; start < data.length; ) {
                int own = Math.min(1 + rnd.nextInt(8000), data.length - start);
                int read = Math.min(own + overlap, data.length - start);
                lane.output().reset();
                SlotResult r = rt.call(scan, handle, start, 0, read, lane.ingestHandle(), own, lane.output().handle());
                assertThat(r.ok()).as(r.describe()).isTrue();
                int base = start;
                lane.output().forEachMatch((off, id) -> got.add(new NaiveScan.Match(base + off, id)));
                start += own;
            }
            got.sort(null);
            assertThat(got).isEqualTo(NaiveScan.find(data, patterns, ignoreCase));
        } finally {
            rt.releaseLane(lane);
            rt.unload(scan);
            rt.releaseHandle(handle);
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
