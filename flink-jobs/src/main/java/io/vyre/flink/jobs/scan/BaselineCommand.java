package io.vyre.flink.jobs.scan;

import io.vyre.flink.jobs.VyreJobs;
import io.vyre.flink.jobs.cli.InputOptions;
import io.vyre.flink.jobs.cli.JobInputs;
import io.vyre.flink.jobs.cli.ResultsOptions;
import io.vyre.flink.jobs.cli.RunStats;
import io.vyre.flink.jobs.cli.UserError;
import io.vyre.runtime.AgronaAccess;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralScanner;
import io.vyre.runtime.backend.cpu.vectorscan.Vectorscan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.BufferUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code baseline}: the same files and patterns as {@code scan}, through Vectorscan called directly on N threads,
 * with neither Flink nor the megakernel: what the CPU itself does, the figure the scan job's CPU backend is
 * measured against. Each thread reads chunks of the files (positional reads from the page cache, as the IO pump
 * does) into its own buffer and scans each with its own scratch; chunks overlap by the longest pattern less one
 * byte and count only matches that start in their own part, so every occurrence is counted once, as {@code scan}
 * reports it. It prints the occurrences counted (the scan job's output lines for the same input) and two rates:
 * reading and scanning together, and scanning alone (the threads' scan time only, as with data in memory).
 */
@Command(name = "baseline", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Counts every occurrence with Vectorscan called directly on N threads (no Flink, no megakernel):"
        + " the CPU baseline for scan.")
public final class BaselineCommand implements Callable<Integer> {
    @Mixin
    InputOptions input;

    @Option(names = "--threads", paramLabel = "N", description = "Scanning threads (default: every core).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--chunk-mib", paramLabel = "MIB", defaultValue = "4", description = "Bytes per read (default 4).")
    int chunkMib;

    @Option(names = "--read-only", description = "Only read the files (no patterns, no scan): the page cache's read"
        + " bandwidth on N threads, the limit of every engine that reads files.")
    boolean readOnly;

    @Mixin
    ResultsOptions measurements;

    @Spec
    CommandSpec spec;

    private record Chunk(Path file, long start, int own, int read) {
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || chunkMib < 1 || chunkMib > 1024) {
            throw new UserError("--threads must be at least 1 and --chunk-mib in [1, 1024]", VyreJobs.EXIT_USAGE, null);
        }
        AgronaAccess.check();  // its buffers are Agrona's: name the JVM flag before a worker thread fails without it
        if (readOnly) {
            return readOnly();
        }
        if (Vectorscan.unavailableReason() != null) {
            throw new UserError("Vectorscan cannot load here: " + Vectorscan.unavailableReason());
        }
        List<byte[]> patterns = JobInputs.patterns(input.patternsFile());
        Map<String, Long> files = JobInputs.files(input.inputPaths(true));
        int overlap = patterns.stream().mapToInt(p -> p.length).max().orElseThrow() - 1;
        List<Chunk> chunks = chunks(files, chunkMib << 20, overlap);
        PrintWriter out = spec.commandLine().getOut();

        if (!LiteralDatabase.accepts(patterns)) {
            throw new UserError("Vectorscan's literal API refuses a pattern that starts with a NUL byte; the scan job"
                + " matches such patterns with its Java DFA, the baseline cannot: remove them to compare");
        }
        long t0 = System.nanoTime();
        LiteralDatabase database = LiteralDatabase.compile(patterns, input.ignoreCase);
        boolean stopped = true;
        double compile = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "compiled %,d patterns in %.2f s%n", patterns.size(), compile);
        try {
            AtomicInteger next = new AtomicInteger();
            List<Callable<long[]>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> scan(database, chunks, next, (chunkMib << 20) + overlap));
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            stopped = false;
            RunStats stats = new RunStats();
            long start = System.nanoTime();
            long found = 0;
            long scanning = 0;
            try {
                for (Future<long[]> f : pool.invokeAll(tasks)) {
                    long[] done = f.get();
                    found += done[0];
                    scanning += done[1];
                }
            } catch (ExecutionException e) {
                throw new UserError("the baseline failed: " + e.getCause().getMessage(), VyreJobs.EXIT_FAILED, e.getCause());
            } finally {
                pool.shutdownNow();
                stopped = pool.awaitTermination(1, TimeUnit.MINUTES);
            }
            stats.stop();
            double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
            long bytes = JobInputs.totalBytes(files);
            double gib = bytes / (double) (1L << 30);
            out.printf(Locale.ROOT, "baseline: Vectorscan on %d threads read and scanned %.2f GiB in %.2f s, %.2f GiB/s;"
                + " %,d occurrences%n", threads, gib, seconds, gib / seconds, found);
            double scanSeconds = Math.max(1e-9, scanning / 1e9);
            out.printf(Locale.ROOT, "scanning alone: %.2f GiB/s (%.2f GiB/s per thread)%n", gib / (scanSeconds / threads),
                gib / scanSeconds);
            out.println(stats.describe());
            measurements.append(input.inputPaths(true).toString(), "vectorscan-direct",
                patterns.size(), input.ignoreCase, threads, bytes, seconds, scanSeconds / threads, compile,
                stats.cpuSeconds(), found);
        } finally {
            if (stopped) {
                database.free();  // else a thread may still scan with it: left to the process's end
            }
        }
        return VyreJobs.EXIT_OK;
    }

    /** --read-only: the same reads on the same threads, without a scan. */
    private int readOnly() throws Exception {
        Map<String, Long> files = JobInputs.files(input.inputPaths(true));
        List<Chunk> chunks = chunks(files, chunkMib << 20, 0);
        AtomicInteger next = new AtomicInteger();
        List<Callable<long[]>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(() -> scan(null, chunks, next, chunkMib << 20));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        RunStats stats = new RunStats();
        long start = System.nanoTime();
        try {
            for (Future<long[]> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        stats.stop();
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        long bytes = JobInputs.totalBytes(files);
        double gib = bytes / (double) (1L << 30);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "read only: %d threads read %.2f GiB in %.2f s, %.2f GiB/s%n", threads, gib, seconds,
            gib / seconds);
        out.println(stats.describe());
        measurements.append(input.inputPaths(true).toString(), "page-cache-read", 0,
            false, threads, bytes, seconds, Double.NaN, Double.NaN, stats.cpuSeconds(), 0);
        return VyreJobs.EXIT_OK;
    }

    private static List<Chunk> chunks(Map<String, Long> files, int chunkBytes, int overlap) {
        List<Chunk> chunks = new ArrayList<>();
        for (Map.Entry<String, Long> f : files.entrySet()) {
            long size = f.getValue();
            for (long at = 0; at < size; at += chunkBytes) {
                int own = (int) Math.min(chunkBytes, size - at);
                int read = (int) Math.min((long) own + overlap, size - at);
                chunks.add(new Chunk(Path.of(f.getKey()), at, own, read));
            }
        }
        return chunks;
    }

    /** One thread's share, taken chunk by chunk: {occurrences, nanoseconds spent scanning}. */
    private static long[] scan(LiteralDatabase database, List<Chunk> chunks, AtomicInteger next, int bufferBytes)
        throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bufferBytes);
        long address = BufferUtil.address(buffer);
        long[] count = new long[1];
        long nanos = 0;
        Path open = null;
        FileChannel channel = null;
        try (LiteralScanner scanner = new LiteralScanner()) {
            for (int i = next.getAndIncrement(); i < chunks.size(); i = next.getAndIncrement()) {
                Chunk c = chunks.get(i);
                if (!c.file().equals(open)) {
                    if (channel != null) {
                        channel.close();
                    }
                    channel = FileChannel.open(c.file(), StandardOpenOption.READ);
                    open = c.file();
                }
                buffer.clear().limit(c.read());
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, c.start() + buffer.position()) < 0) {
                        throw new IOException(c.file() + " ended before byte " + (c.start() + c.read())
                            + ": was it truncated while read?");
                    }
                }
                if (database == null) {
                    continue;  // --read-only
                }
                long t = System.nanoTime();
                scanner.scan(database, address, c.read(), c.own(), (start, pattern, length) -> {
                    count[0]++;
                    return true;
                });
                nanos += System.nanoTime() - t;
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
            BufferUtil.free(buffer);
        }
        return new long[] {count[0], nanos};
    }
}
