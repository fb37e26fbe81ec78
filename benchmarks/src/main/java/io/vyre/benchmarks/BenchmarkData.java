package io.vyre.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic benchmark inputs: log-like text with planted indicators, and literal pattern sets. */
final class BenchmarkData {
    private static final String[] WORDS = {"GET", "POST", "/api/v1/orders", "200", "404", "503", "user", "session",
        "timeout", "INFO", "WARN", "ERROR", "db.pool", "latency_ms", "cache", "miss", "hit", "kafka", "offset"};

    private BenchmarkData() {
    }

    /** {@code count} random literal patterns of 8-32 printable bytes. */
    static List<byte[]> patterns(int count, long seed) {
        Random rnd = new Random(seed);
        List<byte[]> patterns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[8 + rnd.nextInt(25)];
            for (int k = 0; k < p.length; k++) {
                p[k] = (byte) (0x21 + rnd.nextInt(94));
            }
            patterns.add(p);
        }
        return patterns;
    }

    /** Log-like lines, with one of the patterns planted in about one line in {@code plantEvery}. */
    static byte[] logText(int bytes, List<byte[]> patterns, int plantEvery, long seed) {
        Random rnd = new Random(seed);
        StringBuilder out = new StringBuilder(bytes + 256);
        long ts = 1_764_115_200_000L;
        while (out.length() < bytes) {
            ts += rnd.nextInt(50);
            out.append(ts).append(' ').append(WORDS[9 + rnd.nextInt(3)]);
            int n = 4 + rnd.nextInt(8);
            for (int i = 0; i < n; i++) {
                out.append(' ').append(WORDS[rnd.nextInt(WORDS.length)]).append('=').append(rnd.nextInt(100_000));
            }
            if (rnd.nextInt(plantEvery) == 0) {
                out.append(" ioc=").append(new String(patterns.get(rnd.nextInt(patterns.size())), StandardCharsets.ISO_8859_1));
            }
            out.append('\n');
        }
        out.setLength(bytes);
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
