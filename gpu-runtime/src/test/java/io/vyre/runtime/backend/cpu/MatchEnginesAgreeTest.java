package io.vyre.runtime.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralScanner;
import io.vyre.runtime.backend.cpu.vectorscan.Vectorscan;
import io.vyre.runtime.dfa.AhoCorasickDfa;
import io.vyre.runtime.memory.NativeBuffer;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.protocol.SlotError;
import io.vyre.runtime.testing.NaiveScan;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * MATCH on Vectorscan must report exactly what the Java DFA (the reference) reports, and both what the naive
 * scan finds: random literal sets with overlapping, nested and prefix-sharing patterns, bytes of the whole
 * range (0x80 and above, NUL), ignore-case on and off, random inputs and limits.
 */
class MatchEnginesAgreeTest {
    private static NativeMemory memory;
    private static NativeBuffer input;
    private static LiteralScanner scanner;

    @BeforeContainer
    static void open() {
        assumeThat(Vectorscan.unavailableReason()).as("Vectorscan is unavailable here: %s",
            Vectorscan.unavailableReason()).isNull();
        memory = new NativeMemory(1 << 26);
        input = memory.allocate("input", 1 << 17);
        scanner = new LiteralScanner();
    }

    @AfterContainer
    static void close() {
        if (scanner != null) {
            scanner.close();
        }
        if (memory != null) {
            memory.close();
        }
    }

    /** A literal set that overlaps itself: random words, their prefixes, suffixes and extensions. */
    static List<byte[]> patterns(Random rnd, byte[] alphabet) {
        List<byte[]> patterns = new ArrayList<>();
        int count = 1 + rnd.nextInt(40);
        while (patterns.size() < count) {
            int kind = rnd.nextInt(4);
            if (kind == 0 || patterns.isEmpty()) {
                byte[] p = new byte[1 + rnd.nextInt(12)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = alphabet[rnd.nextInt(alphabet.length)];
                }
                patterns.add(p);
            } else {
                byte[] base = patterns.get(rnd.nextInt(patterns.size()));
                int cut = 1 + rnd.nextInt(base.length);
                byte[] p = switch (kind) {
                    case 1 -> java.util.Arrays.copyOfRange(base, 0, cut);                // a prefix (shared prefixes)
                    case 2 -> java.util.Arrays.copyOfRange(base, base.length - cut, base.length);  // a suffix (nested)
                    default -> {                                                        // an extension
                        byte[] e = java.util.Arrays.copyOf(base, base.length + 1 + rnd.nextInt(3));
                        for (int k = base.length; k < e.length; k++) {
                            e[k] = alphabet[rnd.nextInt(alphabet.length)];
                        }
                        yield e;
                    }
                };
                patterns.add(p);
            }
        }
        return patterns;
    }

    static byte[] alphabet(Random rnd) {
        byte[] alphabet = new byte[2 + rnd.nextInt(6)];
        for (int i = 0; i < alphabet.length; i++) {
            alphabet[i] = switch (rnd.nextInt(4)) {
                case 0 -> (byte) ('a' + rnd.nextInt(26));
                case 1 -> (byte) ('A' + rnd.nextInt(26));
                case 2 -> (byte) (0x80 + rnd.nextInt(0x80));
                default -> (byte) rnd.nextInt(0x80);  // NUL included
            };
        }
        return alphabet;
    }

    /** @param capacity matches the invocation holds: at least every pattern at every offset, so none overflows */
    private static List<NaiveScan.Match> run(boolean vectorscan, LiteralDatabase database, CpuDfa dfa, int length,
                                             long limit, int capacity) {
        Invocation inv = new Invocation(1 << 10, capacity);
        inv.setInput(input, 1, length);
        if (vectorscan) {
            MatchOp.match(scanner, database, inv, limit);
        } else {
            MatchOp.match(dfa, inv, limit);
        }
        List<NaiveScan.Match> out = new ArrayList<>();
        for (int i = 0; i < inv.matchCount; i++) {
            out.add(new NaiveScan.Match(inv.matchOffset[i], inv.matchPattern[i]));
            assertThat(inv.matchLength[i]).isPositive();
        }
        out.sort(null);
        return out;
    }

    /** The seed CI once drew: over a million matches in its input (a limit of a million made it overflow). */
    @Example
    void agreeOnAnInputWithMoreThanAMillionMatches() {
        vectorscanReportsWhatTheJavaDfaReports(704L);
    }

    @Property(tries = 200)
    void vectorscanReportsWhatTheJavaDfaReports(@ForAll long seed) {
        Random rnd = new Random(seed);
        byte[] alphabet = alphabet(rnd);
        List<byte[]> patterns = patterns(rnd, alphabet);
        boolean ignoreCase = rnd.nextBoolean();
        byte[] data = new byte[rnd.nextInt(1 << 16)];
        for (int i = 0; i < data.length; i++) {
            byte b = alphabet[rnd.nextInt(alphabet.length)];
            data[i] = ignoreCase && rnd.nextInt(5) == 0 && Character.isLetter(b) ? (byte) (b ^ 0x20) : b;
        }
        input.buffer().putBytes(0, data);
        long limit = rnd.nextBoolean() ? 0xFFFF_FFFFL : rnd.nextInt(data.length + 1);
        if (!LiteralDatabase.accepts(patterns)) {
            // a literal starting with NUL: Vectorscan refuses the set, the runtime keeps the Java DFA for it
            assertThatThrownBy(() -> LiteralDatabase.compile(patterns, ignoreCase))
                .isInstanceOf(IllegalArgumentException.class);
            patterns.replaceAll(p -> {
                if (p[0] != 0) {
                    return p;
                }
                byte[] shifted = p.clone();
                shifted[0] = 1;
                return shifted;
            });
        }
        LiteralDatabase database = LiteralDatabase.compile(patterns, ignoreCase);
        try {
            CpuDfa dfa = new CpuDfa(AhoCorasickDfa.compile(patterns, ignoreCase));
            // a small alphabet and short patterns can match more than a million times in 64 KiB
            int capacity = Math.max(1, data.length) * patterns.size();
            List<NaiveScan.Match> reference = run(false, null, dfa, data.length, limit, capacity);
            assertThat(run(true, database, null, data.length, limit, capacity)).isEqualTo(reference);
            List<NaiveScan.Match> naive = new ArrayList<>(NaiveScan.find(data, patterns, ignoreCase));
            naive.removeIf(m -> m.offset() >= limit);
            assertThat(reference).isEqualTo(naive);
        } finally {
            database.free();
        }
    }

    @Example
    void shouldStopAtTheMatchLimitWithTheSameErrorAsTheDfa() {
        byte[] as = new byte[5000];
        java.util.Arrays.fill(as, (byte) 'a');
        input.buffer().putBytes(0, as);
        List<byte[]> patterns = List.of(new byte[] {'a'});
        LiteralDatabase database = LiteralDatabase.compile(patterns, false);
        try {
            Invocation inv = new Invocation(16, 1000);
            inv.setInput(input, 1, as.length);
            assertThatThrownBy(() -> MatchOp.match(scanner, database, inv, 0xFFFF_FFFFL))
                .isInstanceOfSatisfying(SlotFault.class, f -> {
                    assertThat(f.error).isEqualTo(SlotError.OUTPUT_OVERFLOW);
                    assertThat(f.detail).isEqualTo(2000);
                });
            Invocation dfaInv = new Invocation(16, 1000);
            dfaInv.setInput(input, 1, as.length);
            assertThatThrownBy(() -> MatchOp.match(new CpuDfa(AhoCorasickDfa.compile(patterns, false)), dfaInv,
                0xFFFF_FFFFL)).isInstanceOfSatisfying(SlotFault.class, f -> assertThat(f.detail).isEqualTo(2000));
        } finally {
            database.free();
        }
    }
}
