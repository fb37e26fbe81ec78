package io.vyre.benchmarks;

import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import java.util.Arrays;

/**
 * GPU machine only, with a megakernel built with {@code -DVYRE_TRACE} first on the classpath
 * ({@code tools/gpu/run.sh ringtrace} builds and runs it): the round trip of {@code ATOMIC_ADD} slots as
 * {@link CudaRingRoundTripBenchmark} times it, next to where the ring warp spent each slot's time (the sums the
 * traced kernel keeps in control words 142-149: iterations, slots traced, poll, accept, dispatch, the loop's
 * rest, batch, fence).
 *
 * <pre>RingTrace [ROUND_TRIPS [GPU_BLOCKS]]</pre>
 */
public final class RingTrace {
    private static final int TRACE_BASE = 142;
    private static final String[] WORDS = {"iterations", "slots", "poll", "accept", "dispatch", "rest", "batch", "fence+DONE"};

    private RingTrace() {
    }

    public static void main(String[] args) {
        int trips = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        VyreRuntimeContext context = new VyreRuntimeContext().name("ring-trace").backend(BackendKind.CUDA).lanes(1)
            .ingestBufferBytes(4096).outputRegionWords(16);
        if (args.length > 1) {
            context.gpuBlocks(Integer.parseInt(args[1]));
        }
        try (VyreRuntime rt = VyreRuntime.open(context)) {
            System.out.println("GPU blocks: " + (args.length > 1 ? args[1] : "default"));
            Instruction add = Instruction.of(Opcode.ATOMIC_ADD, 256, 1);
            for (int i = 0; i < trips / 4; i++) {
                rt.execute(add);
            }
            long[] before = trace(rt);
            long[] nanos = new long[trips];
            long start = System.nanoTime();
            for (int i = 0; i < trips; i++) {
                long t0 = System.nanoTime();
                rt.execute(add);
                nanos[i] = System.nanoTime() - t0;
            }
            long elapsed = System.nanoTime() - start;
            long[] after = trace(rt);
            Arrays.sort(nanos);
            System.out.printf("round trip (host): p50 %.2f us, p90 %.2f, p99 %.2f, mean %.2f over %d%n",
                nanos[trips / 2] / 1e3, nanos[trips * 9 / 10] / 1e3, nanos[trips * 99 / 100] / 1e3,
                elapsed / 1e3 / trips, trips);
            long iterations = delta(after, before, 0);
            long slots = delta(after, before, 1);
            System.out.printf("ring warp: %d iterations (%.2f us each), %d slots traced%n", iterations,
                elapsed / 1e3 / Math.max(1, iterations), slots);
            for (int w = 2; w < WORDS.length; w++) {
                System.out.printf("  %-10s %.2f us per slot%n", WORDS[w], delta(after, before, w) / 1e3 / Math.max(1, slots));
            }
        }
    }

    /** The growth of a 32-bit sum, which may have wrapped once. */
    private static long delta(long[] after, long[] before, int word) {
        return (after[word] - before[word]) & 0xFFFF_FFFFL;
    }

    private static long[] trace(VyreRuntime rt) {
        long[] words = new long[WORDS.length];
        for (int w = 0; w < words.length; w++) {
            words[w] = Integer.toUnsignedLong(rt.execute(Instruction.of(Opcode.LOAD_U32, TRACE_BASE + w)).result());
        }
        return words;
    }
}
