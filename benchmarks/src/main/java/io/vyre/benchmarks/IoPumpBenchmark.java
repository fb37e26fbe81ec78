package io.vyre.benchmarks;

import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.io.IoPath;
import io.vyre.runtime.protocol.SlotResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads per second through the whole IO path: LOAD_MISS slots posted by the CPU megakernel (4 workers,
 * so 4 requests in flight), serviced by the host pump with io_uring or with the FileChannel fallback,
 * from a 256 MiB file in the page cache at random aligned offsets. Each invocation is 16 reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class IoPumpBenchmark {
    static final int READS = 16;
    static final long FILE_BYTES = 256L << 20;

    @Param({"IO_URING", "FILE_CHANNEL"})
    IoPath path;

    @Param({"4096", "65536", "1048576"})
    int blockBytes;

    private Path file;
    private VyreRuntime rt;
    private int handle;
    private List<Lane> lanes;
    private final Random rnd = new Random(3);
    private final long[] seqs = new long[READS];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("vyre-io-bench", ".bin");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] chunk = new byte[1 << 20];
            new Random(1).nextBytes(chunk);
            for (long written = 0; written < FILE_BYTES; written += chunk.length) {
                raf.write(chunk);
            }
        }
        rt = VyreRuntime.open(new VyreRuntimeContext().name("bench-io").backend(BackendKind.CPU).cpuWorkers(4)
            .ioPath(path).lanes(4).ingestBufferBytes(1 << 20).outputRegionWords(16));
        handle = rt.registerFileForRead(file);
        lanes = rt.lanes();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        rt.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public long reads() {
        long blocks = FILE_BYTES / blockBytes;
        for (int i = 0; i < READS; i++) {
            long offset = (rnd.nextLong() & Long.MAX_VALUE) % blocks * blockBytes;
            seqs[i] = rt.publish(Instruction.of(Opcode.LOAD_MISS, handle, (int) offset, (int) (offset >>> 32), blockBytes,
                lanes.get(i & 3).ingestHandle()));
        }
        long total = 0;
        for (long seq : seqs) {
            SlotResult r = rt.await(seq);
            if (!r.ok()) {
                throw new IllegalStateException(r.describe());
            }
            total += r.result();
        }
        return total;
    }
}
