package io.vyre.runtime;

import static io.vyre.runtime.bytecode.Vir0Program.Reg.r;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.Backends;
import io.vyre.runtime.bytecode.Constant;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.PatternsConstant;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.SlotResult;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code backend=auto}: which engine a workload runs on, decided by measuring both on this machine. For the
 * workload's largest literal set, a short calibration runs MATCH over a sample of the input (the context's
 * {@link VyreRuntimeContext#calibrationSample}, else synthetic text) through a CPU
 * megakernel on every core and through the CUDA megakernel (staged by the copy engine, as the source feeds
 * it), and the faster wins. Measurements are cached per JVM (a task manager) and pattern set, so only the
 * first subtask pays for them (a CUDA runtime's start, well under a second once the PTX is JIT-cached).
 * Without a literal set there is nothing to weigh and a present GPU is taken, as before.
 */
public final class EngineChoice {
    private static final Logger LOG = LoggerFactory.getLogger(EngineChoice.class);
    static final int CHUNK_BYTES = 4 << 20;
    /** Slots in flight per lane in a calibration round: 4 x 4 MiB per lane, 256 MiB on 16 cores. */
    static final int SLOTS_PER_LANE = 4;
    private static final Map<String, Double> MEASURED = new ConcurrentHashMap<>();
    /** Calibrations run in this JVM (tests check the cache). */
    static final AtomicInteger CALIBRATIONS = new AtomicInteger();

    /** The backend chosen and why, in words a log or metric can show. */
    public record Choice(BackendKind backend, String reason) {
    }

    private EngineChoice() {
    }

    /** Decides for a context whose backend is AUTO. */
    static Choice choose(VyreRuntimeContext context) {
        String cudaUnavailable = Backends.cudaUnavailableReason();
        if (cudaUnavailable != null) {
            return new Choice(BackendKind.CPU, "CUDA cannot run here: " + cudaUnavailable);
        }
        PatternsConstant literals = largestLiteralSet(context.workload());
        if (literals == null) {
            return new Choice(BackendKind.CUDA, "a GPU is present and the workload has no literal set to weigh");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double cpu = measure(BackendKind.CPU, literals, context, cores);
        double gpu = measure(BackendKind.CUDA, literals, context, cores);
        return decide(cpu, cores, gpu, literals.patternsUnsafe().size());
    }

    /** The cost model: the faster measured engine wins; CPU on a tie (nothing crosses PCIe). */
    static Choice decide(double cpuBytesPerSecond, int cores, double gpuBytesPerSecond, int patterns) {
        BackendKind winner = gpuBytesPerSecond > cpuBytesPerSecond ? BackendKind.CUDA : BackendKind.CPU;
        String reason = String.format(Locale.ROOT, "for %,d patterns MATCH measured %.1f GB/s through the GPU and"
            + " %.1f GB/s on %d CPU cores", patterns, gpuBytesPerSecond / 1e9, cpuBytesPerSecond / 1e9, cores);
        return new Choice(winner, reason);
    }

    static PatternsConstant largestLiteralSet(List<Vir0Program> workload) {
        PatternsConstant largest = null;
        for (Vir0Program p : workload) {
            for (Constant c : p.constants()) {
                if (c instanceof PatternsConstant set
                    && (largest == null || set.patternsUnsafe().size() > largest.patternsUnsafe().size())) {
                    largest = set;
                }
            }
        }
        return largest;
    }

    /** MATCH throughput of one engine for a literal set on this machine, in bytes per second; cached. */
    static double measure(BackendKind kind, PatternsConstant literals, VyreRuntimeContext template, int cores) {
        String key = kind + "/" + template.cpuMatchEngine() + "/" + template.devices() + "/" + fingerprint(literals);
        return MEASURED.computeIfAbsent(key, k -> calibrate(kind, literals, template, cores));
    }

    private static double calibrate(BackendKind kind, PatternsConstant literals, VyreRuntimeContext template, int cores) {
        CALIBRATIONS.incrementAndGet();
        int lanes = kind == BackendKind.CPU ? Math.max(2, cores) : 16;
        int slots = SLOTS_PER_LANE * lanes;
        VyreRuntimeContext context = new VyreRuntimeContext().name("calibration-" + kind.name().toLowerCase(Locale.ROOT))
            .backend(kind).cpuWorkers(Math.min(256, cores)).cpuMatchEngine(template.cpuMatchEngine())
            .devices(template.devices()).lanes(lanes).ringCapacity(WorkRingDescriptor.capacityFor(slots)).ingestBufferBytes(CHUNK_BYTES)
            .outputRegionWords(16).nativeMemoryLimit((long) lanes * (CHUNK_BYTES + 4096) + (16 << 20));
        try (VyreRuntime rt = VyreRuntime.open(context)) {
            Vir0Program.Builder b = Vir0Program.builder();
            int set = b.constant(literals);
            LoadedProgram program = rt.load(b.op(Opcode.INPUT, r(1), r(2)).op(Opcode.MATCH, set, StandardPrograms.NO_LIMIT)
                .op(Opcode.COUNT).build());
            byte[] sample = sample(template.calibrationSample());
            for (Lane lane : rt.lanes()) {
                lane.ingest().buffer().putBytes(0, sample);
            }
            double best = 0;
            long[] seqs = new long[slots];
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                // MATCH only reads its input: several slots scan each lane at once, so a round is long enough to time
                for (int i = 0; i < slots; i++) {
                    Lane lane = rt.lanes().get(i % lanes);
                    rt.stageInput(lane, CHUNK_BYTES);
                    seqs[i] = rt.publishCall(program, 0, 0, lane.ingestHandle(), CHUNK_BYTES);
                }
                for (long seq : seqs) {
                    SlotResult result = rt.await(seq);
                    if (!result.ok()) {
                        throw new VyreRuntimeException("calibrating " + kind + " failed: " + result.describe());
                    }
                }
                double rate = (double) slots * CHUNK_BYTES / ((System.nanoTime() - start) / 1e9);
                best = round == 0 ? 0 : Math.max(best, rate);  // the first round warms up
            }
            LOG.info("backend=auto calibration: {} runs MATCH over {} patterns at {} GB/s ({})", kind,
                literals.patternsUnsafe().size(), String.format(Locale.ROOT, "%.2f", best / 1e9),
                rt.backend().description());
            return best;
        } catch (RuntimeException e) {
            LOG.warn("backend=auto could not measure {} ({}); counting it as unable", kind, e.getMessage());
            return 0;
        }
    }

    /**
     * A chunk to scan: the input's own bytes repeated to fill it when given (what MATCH costs on this data),
     * else printable log-like bytes with line breaks and no planted patterns.
     */
    static byte[] sample(byte[] input) {
        byte[] sample = new byte[CHUNK_BYTES];
        if (input != null && input.length > 0) {
            for (int at = 0; at < sample.length; at += input.length) {
                System.arraycopy(input, 0, sample, at, Math.min(input.length, sample.length - at));
            }
            return sample;
        }
        Random rnd = new Random(42);
        for (int i = 0; i < sample.length; i++) {
            sample[i] = rnd.nextInt(80) == 0 ? (byte) '\n' : (byte) (0x20 + rnd.nextInt(95));
        }
        return sample;
    }

    private static String fingerprint(PatternsConstant literals) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((byte) (literals.ignoreCase() ? 1 : 0));
            for (byte[] p : literals.patternsUnsafe()) {
                digest.update(Integer.toString(p.length).getBytes(StandardCharsets.US_ASCII));
                digest.update(p);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
