package io.vyre.benchmarks;

import io.vyre.runtime.dfa.AhoCorasickDfa;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the inputs of the kernel scan microbenchmark (tools/gpu/scan-bench): the benchmarks' log text and,
 * per pattern count, the literal set's DFA tables as the megakernel holds them, with the number of
 * occurrences the scan of {@code COPIES} back-to-back copies of the text must report.
 * <pre>
 *   java -cp benchmarks.jar io.vyre.benchmarks.ScanTablesDump DIR COUNT...
 *   DIR/text-COUNT.bin  8 MiB of log text with that set's patterns planted
 *   DIR/dfa-COUNT.bin   u32 states, classes, maxLength, outStart length, outPatterns length, patterns;
 *                       u64 expected; then classOf[256] (bytes), next, outStart, outPatterns, patternLength
 *                       (u32 each), little-endian
 * </pre>
 */
public final class ScanTablesDump {
    static final int TEXT_BYTES = 8 << 20;
    static final int COPIES = 32;

    private ScanTablesDump() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (int i = 1; i < args.length; i++) {
            int count = Integer.parseInt(args[i]);
            List<byte[]> patterns = BenchmarkData.patterns(count, 7);
            byte[] text = BenchmarkData.logText(TEXT_BYTES, patterns, 50, 11);
            Files.write(dir.resolve("text-" + count + ".bin"), text);
            AhoCorasickDfa dfa = AhoCorasickDfa.compile(patterns, false);
            long expected = 0;
            int state = 0;
            int[] outStart = dfa.outStartUnsafe();
            for (int copy = 0; copy < COPIES; copy++) {
                for (byte b : text) {
                    int next = dfa.step(state, b);
                    state = next & AhoCorasickDfa.STATE_MASK;
                    if (next < 0) {
                        expected += outStart[state + 1] - outStart[state];
                    }
                }
            }
            try (OutputStream out = Files.newOutputStream(dir.resolve("dfa-" + count + ".bin"))) {
                ByteBuffer head = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
                head.putInt(dfa.stateCount()).putInt(dfa.classCount()).putInt(dfa.maxPatternLength())
                    .putInt(outStart.length).putInt(dfa.outPatternsUnsafe().length).putInt(dfa.patternCount())
                    .putLong(expected);
                out.write(head.array());
                out.write(dfa.classOfUnsafe());
                write(out, dfa.nextUnsafe());
                write(out, outStart);
                write(out, dfa.outPatternsUnsafe());
                write(out, dfa.patternLengthUnsafe());
            }
            System.out.printf("%d patterns: %d states x %d classes, %d occurrences in %d copies%n", count,
                dfa.stateCount(), dfa.classCount(), expected, COPIES);
        }
    }

    private static void write(OutputStream out, int[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            if (!b.hasRemaining()) {
                out.write(b.array(), 0, b.position());
                b.clear();
            }
            b.putInt(v);
        }
        out.write(b.array(), 0, b.position());
    }
}
