package io.vyre.flink.jobs.scan;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@code scan --demo} sample: log-like lines (web access, auth, application logs) with indicators of
 * compromise planted in a few of them, from a fixed seed so every run scans the same bytes.
 */
public final class DemoData {
    /** What the demo looks for; the patterns file lists them in this order (pattern id = index). */
    public static final List<String> INDICATORS = List.of(
        "mimikatz",
        "powershell -enc",
        "/etc/shadow",
        "185.220.101.",
        "eval(base64_decode(",
        "AKIAIOSFODNN7EXAMPLE",
        "cmd.exe /c whoami",
        "../../../../etc/passwd",
        "union select",
        "timeout");

    /**
     * The {@link PatternSet#DENSE} set's frequent words, in this order after the indicators: in the sample,
     * "HTTP/1.1" is on 60% of the lines, "publickey" on 20%, "web-01" on 17%, "/login" on 7.5%, "upstream" on 7% and
     * "cache miss" on 3%, so the six find about 1.14 occurrences per line (about one per 100 bytes).
     */
    public static final List<String> DENSE_TOKENS = List.of("HTTP/1.1", "publickey", "web-01", "/login", "upstream",
        "cache miss");

    private static final String[] HOSTS = {"web-01", "web-02", "api-03", "db-04", "auth-05", "batch-06"};
    private static final String[] PATHS = {"/api/v1/orders", "/api/v1/items", "/login", "/static/app.js",
        "/health", "/api/v2/search?q=", "/admin/reports", "/cart/checkout"};
    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    private static final String[] APP = {"cache miss for key session:", "request completed in", "retrying upstream call"
        + " after", "connection pool size", "scheduled job finished, rows=", "upstream timeout after"};
    private static final int FILES = 8;
    private static final long SEED = 0x5EED_2026L;

    private DemoData() {
    }

    /** Writes about {@code bytes} of sample logs as {@value #FILES} files under {@code dir}, in parallel. */
    public static void generate(Path dir, long bytes) throws IOException {
        Files.createDirectories(dir);
        long perFile = Math.max(1, bytes / FILES);
        try {
            java.util.stream.IntStream.range(0, FILES).parallel().forEach(f -> {
                try {
                    generateFile(dir.resolve(String.format("app-%02d.log", f)), f, perFile);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** One file of the sample, seeded by its index: the same size always gives the same bytes. */
    private static void generateFile(Path file, int f, long bytes) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED + f);
        StringBuilder line = new StringBuilder(256);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            long written = 0;
            long second = 1_795_000_000L + f * 86_400L;
            while (written < bytes) {
                second += random.nextInt(2);
                line.setLength(0);
                appendLine(line, random, second);
                byte[] b = line.toString().getBytes(StandardCharsets.US_ASCII);
                out.write(b);
                written += b.length;
            }
        }
    }

    /** Writes the demo's patterns file (one indicator per line). */
    public static Path writePatterns(Path file) throws IOException {
        return writePatterns(file, INDICATORS.size());
    }

    /** The kinds of patterns file {@code generate} writes. */
    public enum PatternSet {
        /** The demo's indicators, then random strings of 10 to 16 letters and digits. */
        DECOYS(0),
        /**
         * The demo's indicators, then what a threat-intelligence feed lists: IPv4 addresses, domains, URLs and
         * file hashes, none of which occurs in the sample. Digits and dots are everywhere in log lines, so a
         * literal matcher's prefilter finds far more candidates among IP addresses than among random decoys.
         */
        FEED(1L << 40),
        /**
         * The demo's indicators, then {@link #DENSE_TOKENS}, words most lines of the sample carry (about one
         * occurrence per 100 bytes in all), then random decoys: a scan that reports far more than it reads past,
         * which loads the path results take (output regions, records, the sink) rather than the matcher.
         */
        DENSE(2L << 40);

        /** Mixed into the seed: the same set and count always draw the same patterns, whatever the enum's order. */
        private final long seedSalt;

        PatternSet(long seedSalt) {
            this.seedSalt = seedSalt;
        }
    }

    /**
     * Writes {@code count} patterns of {@code set}, the demo's indicators first (a dense set's frequent words
     * next), then seeded ones (the same set and count always give the same file) that the sample does not contain,
     * as a large indicator list mostly does: a feed's entries by their form (see {@link #feedEntry}), random decoys
     * by their length (none of the sets of up to 1,048,576 decoys occurs in it), so every decoy and feed set finds
     * the same occurrences in the same data, and every dense set the same, more.
     */
    public static Path writePatterns(Path file, int count, PatternSet set) throws IOException {
        List<String> patterns = new java.util.ArrayList<>(INDICATORS.subList(0, Math.min(count, INDICATORS.size())));
        if (set == PatternSet.DENSE) {
            patterns.addAll(DENSE_TOKENS.subList(0, Math.max(0, Math.min(count - patterns.size(),
                DENSE_TOKENS.size()))));
        }
        SplittableRandom random = new SplittableRandom(SEED ^ count ^ set.seedSalt);
        java.util.Set<String> seen = new java.util.HashSet<>(patterns);
        while (patterns.size() < count) {
            String pattern = set == PatternSet.FEED ? feedEntry(random) : decoy(random);
            if (seen.add(pattern)) {
                patterns.add(pattern);
            }
        }
        Files.write(file, patterns, StandardCharsets.US_ASCII);
        return file;
    }

    /** {@link #writePatterns(Path, int, PatternSet)} with {@link PatternSet#DECOYS}. */
    public static Path writePatterns(Path file, int count) throws IOException {
        return writePatterns(file, count, PatternSet.DECOYS);
    }

    private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String HEX = "0123456789abcdef";
    private static final String[] TLDS = {".com", ".net", ".org", ".ru", ".cn", ".xyz", ".top", ".info", ".io", ".biz"};
    private static final String[] URL_PATHS = {"/wp-admin/", "/wp-content/plugins/", "/gate.php?id=", "/panel/",
        "/download/", "/images/", "/cgi-bin/", "/api/v1/"};

    private static String decoy(SplittableRandom random) {
        return randomString(random, LOWER_ALNUM, 10 + random.nextInt(7));
    }

    /**
     * One feed entry: 40% IPv4 addresses outside the sample's 10.0.0.0/8 (a dotted quad of the sample never
     * contains one), 30% domains, 10% URLs, 20% MD5, SHA-1 or SHA-256 hashes.
     */
    private static String feedEntry(SplittableRandom random) {
        int kind = random.nextInt(10);
        if (kind < 4) {
            int first;
            do {
                first = 1 + random.nextInt(223);
            } while (first == 10 || first == 127);
            return first + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
        }
        if (kind < 7) {
            return domain(random);
        }
        if (kind < 8) {
            return "http://" + domain(random) + URL_PATHS[random.nextInt(URL_PATHS.length)]
                + randomString(random, LOWER_ALNUM, 4 + random.nextInt(9));
        }
        int[] hexLengths = {32, 40, 64};
        return randomString(random, HEX, hexLengths[random.nextInt(hexLengths.length)]);
    }

    private static String domain(SplittableRandom random) {
        String name = randomString(random, LOWER_ALNUM, 5 + random.nextInt(10));
        if (random.nextInt(3) == 0) {
            name = randomString(random, LOWER_ALNUM, 3 + random.nextInt(6)) + "-" + name;
        }
        return name + TLDS[random.nextInt(TLDS.length)];
    }

    private static String randomString(SplittableRandom random, String alphabet, int length) {
        char[] c = new char[length];
        for (int i = 0; i < c.length; i++) {
            c[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(c);
    }

    private static void appendLine(StringBuilder b, SplittableRandom r, long second) {
        b.append("2026-11-").append(10 + second / 86_400 % 18).append('T').append(two(second / 3600 % 24)).append(':')
            .append(two(second / 60 % 60)).append(':').append(two(second % 60)).append('.')
            .append(100 + r.nextInt(900)).append("Z ").append(HOSTS[r.nextInt(HOSTS.length)]).append(' ');
        int kind = r.nextInt(10);
        if (kind < 6) {
            b.append("nginx: 10.").append(r.nextInt(256)).append('.').append(r.nextInt(256)).append('.')
                .append(r.nextInt(256)).append(" - - \"GET ").append(PATHS[r.nextInt(PATHS.length)])
                .append(r.nextInt(100_000)).append(" HTTP/1.1\" ").append(r.nextInt(20) == 0 ? 500 : 200).append(' ')
                .append(r.nextInt(60_000)).append(" \"Mozilla/5.0 (X11; Linux x86_64)\"");
        } else if (kind < 8) {
            b.append("sshd[").append(1000 + r.nextInt(30_000)).append("]: Accepted publickey for ")
                .append(USERS[r.nextInt(USERS.length)]).append(" from 10.").append(r.nextInt(256)).append('.')
                .append(r.nextInt(256)).append(".7 port ").append(1024 + r.nextInt(60_000)).append(" ssh2");
        } else {
            b.append("app[").append(r.nextInt(64)).append("]: ").append(APP[r.nextInt(APP.length)]).append(' ')
                .append(r.nextInt(10_000)).append("ms");
        }
        if (r.nextInt(400) == 0) {
            // one line in 400 carries an indicator (the most common one, "timeout", also occurs naturally)
            b.append(" ").append(INDICATORS.get(r.nextInt(INDICATORS.size() - 1)));
        }
        b.append('\n');
    }

    private static String two(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }
}
