package io.vyre.benchmarks;

import io.vyre.runtime.dfa.AhoCorasickDfa;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GPU machine only. The design the megakernel replaces, on the same work as {@code
 * CudaScanThroughputBenchmark.streamingScan256MiB}: 256 MiB of the same log text with the same pattern sets, in
 * 4 MiB chunks; per chunk one copy (cuMemcpyHtoDAsync from page-locked memory), one launch of the same MATCH
 * code (the megakernel's scan_tile as the plain kernel {@code vyre_match_launch}, one block per 1 MiB tile) and
 * one copy of its match count back, round-robin over 16 streams so that copies and scans overlap; every op
 * waits for all. Setup checks the total against the DFA run on the CPU. Compare the two in one run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx6g"})
public class CudaLaunchPerBatchBenchmark {
    static final long TOTAL_BYTES = CudaScanThroughputBenchmark.TOTAL_BYTES;
    /**
     * KernelContract.BLOCK_THREADS and the MATCH tile sizes (vyre_protocol.h; ops_match.cuh match_tile_bytes),
     * which the kernel is built with: 1 MiB tiles, 256 KiB for an input of at most 4 MiB.
     */
    static final int BLOCK_THREADS = 512;
    static final int TILE_BYTES = 1 << 20;
    static final int SMALL_INPUT_BYTES = 4 << 20;
    static final int SMALL_TILE_BYTES = 256 << 10;
    static final int STREAMS = 16;
    static final int MAX_MATCHES = 1 << 16;

    @State(Scope.Benchmark)
    public static class Batches {
        @Param({"1000", "10000"})
        int patterns;

        @Param({"4194304"})
        int chunkBytes;

        CudaBaseline cuda;
        CUfunction scan;
        Pointer host;
        Pointer hostCounts;
        CUdeviceptr[] inputs;
        CUdeviceptr matches;
        CUdeviceptr counts;
        CUdeviceptr constant;
        final List<CUdeviceptr> tables = new ArrayList<>();
        CUstream[] streams;
        int chunks;
        long expected;

        @Setup(Level.Trial)
        public void setUp() {
            cuda = new CudaBaseline();
            scan = cuda.function("vyre_match_launch");
            List<byte[]> set = BenchmarkData.patterns(patterns, 7);
            byte[] text = BenchmarkData.logText(8 << 20, set, 50, 11);
            chunks = (int) (TOTAL_BYTES / chunkBytes);
            host = new Pointer();
            CudaBaseline.check(JCudaDriver.cuMemHostAlloc(host, TOTAL_BYTES, 0), "cuMemHostAlloc");
            ByteBuffer bytes = host.getByteBuffer(0, TOTAL_BYTES);
            for (long at = 0; at < TOTAL_BYTES; at += text.length) {
                bytes.put((int) at, text, 0, (int) Math.min(text.length, TOTAL_BYTES - at));
            }
            hostCounts = new Pointer();
            CudaBaseline.check(JCudaDriver.cuMemHostAlloc(hostCounts, 4L * chunks, 0), "cuMemHostAlloc");
            AhoCorasickDfa dfa = AhoCorasickDfa.compile(set, false);
            long[] entry = new long[8];
            entry[0] = 1L << 8;
            entry[1] = upload(Pointer.to(dfa.classOfUnsafe()), 256).address();
            entry[2] = upload(Pointer.to(dfa.nextUnsafe()), 4L * dfa.nextUnsafe().length).address();
            entry[3] = upload(Pointer.to(dfa.outStartUnsafe()), 4L * dfa.outStartUnsafe().length).address();
            entry[4] = upload(Pointer.to(dfa.outPatternsUnsafe()), 4L * Math.max(1, dfa.outPatternsUnsafe().length))
                .address();
            entry[5] = upload(Pointer.to(dfa.patternLengthUnsafe()), 4L * dfa.patternLengthUnsafe().length).address();
            entry[6] = dfa.stateCount() | (long) dfa.classCount() << 32;
            entry[7] = dfa.maxPatternLength();
            constant = upload(Pointer.to(entry), 8L * entry.length);
            inputs = new CUdeviceptr[chunks];
            for (int i = 0; i < chunks; i++) {
                inputs[i] = alloc(chunkBytes);
            }
            matches = alloc(12L * MAX_MATCHES * chunks);
            counts = alloc(4L * chunks);
            streams = new CUstream[STREAMS];
            for (int i = 0; i < STREAMS; i++) {
                streams[i] = new CUstream();
                CudaBaseline.check(JCudaDriver.cuStreamCreate(streams[i], CUstream_flags.CU_STREAM_NON_BLOCKING),
                    "cuStreamCreate");
            }
            expected = cpuCount(dfa, bytes);
            long found = scanAll();
            if (found != expected) {
                throw new IllegalStateException("launch-per-batch found " + found + " matches, the DFA on the CPU "
                    + expected);
            }
        }

        /** Matches starting in each chunk, with the DFA on the CPU: what the kernel must report. */
        private long cpuCount(AhoCorasickDfa dfa, ByteBuffer bytes) {
            long total = 0;
            int[] outStart = dfa.outStartUnsafe();
            for (int c = 0; c < chunks; c++) {
                int state = 0;
                long base = (long) c * chunkBytes;
                for (int i = 0; i < chunkBytes; i++) {
                    int next = dfa.step(state, bytes.get((int) (base + i)) & 0xff);
                    state = next & AhoCorasickDfa.STATE_MASK;
                    if ((next & AhoCorasickDfa.MATCH_FLAG) != 0) {
                        total += outStart[state + 1] - outStart[state];
                    }
                }
            }
            return total;
        }

        private DevicePointer upload(Pointer from, long bytes) {
            DevicePointer p = alloc(bytes);
            CudaBaseline.check(JCudaDriver.cuMemcpyHtoD(p, from, bytes), "cuMemcpyHtoD");
            return p;
        }

        private DevicePointer alloc(long bytes) {
            DevicePointer p = new DevicePointer();
            CudaBaseline.check(JCudaDriver.cuMemAlloc(p, bytes), "cuMemAlloc");
            tables.add(p);
            return p;
        }

        long scanAll() {
            int tileBytes = chunkBytes <= SMALL_INPUT_BYTES ? SMALL_TILE_BYTES : TILE_BYTES;
            int tiles = (chunkBytes + tileBytes - 1) / tileBytes;
            for (int i = 0; i < chunks; i++) {
                CUstream s = streams[i % STREAMS];
                CUdeviceptr count = counts.withByteOffset(4L * i);
                CudaBaseline.check(JCudaDriver.cuMemcpyHtoDAsync(inputs[i], host.withByteOffset((long) i * chunkBytes),
                    chunkBytes, s), "cuMemcpyHtoDAsync");
                CudaBaseline.check(JCudaDriver.cuMemsetD32Async(count, 0, 1, s), "cuMemsetD32Async");
                Pointer params = Pointer.to(Pointer.to(inputs[i]), Pointer.to(new long[] {chunkBytes}),
                    Pointer.to(new long[] {chunkBytes}), Pointer.to(constant),
                    Pointer.to(matches.withByteOffset(12L * MAX_MATCHES * i)), Pointer.to(new int[] {MAX_MATCHES}),
                    Pointer.to(count));
                CudaBaseline.check(JCudaDriver.cuLaunchKernel(scan, tiles, 1, 1, BLOCK_THREADS, 1, 1, 0, s, params,
                    null), "cuLaunchKernel");
                CudaBaseline.check(JCudaDriver.cuMemcpyDtoHAsync(hostCounts.withByteOffset(4L * i), count, 4, s),
                    "cuMemcpyDtoHAsync");
            }
            for (CUstream s : streams) {
                CudaBaseline.check(JCudaDriver.cuStreamSynchronize(s), "cuStreamSynchronize");
            }
            ByteBuffer found = hostCounts.getByteBuffer(0, 4L * chunks).order(java.nio.ByteOrder.nativeOrder());
            long total = 0;
            for (int i = 0; i < chunks; i++) {
                total += Integer.toUnsignedLong(found.getInt(4 * i));
            }
            return total;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (CUstream s : streams) {
                JCudaDriver.cuStreamDestroy(s);
            }
            for (CUdeviceptr p : tables) {
                JCudaDriver.cuMemFree(p);
            }
            JCudaDriver.cuMemFreeHost(hostCounts);
            JCudaDriver.cuMemFreeHost(host);
            cuda.close();
        }
    }

    /** A device allocation whose address goes into a table entry the kernel reads. */
    static final class DevicePointer extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    @Benchmark
    public long launchPerBatchScan256MiB(Batches b) {
        return b.scanAll();
    }
}
