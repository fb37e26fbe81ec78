package io.vyre.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.Backends;
import io.vyre.runtime.bytecode.PatternsConstant;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** backend=auto weighs measured throughputs, not the mere presence of a GPU. */
class EngineChoiceTest {

    private static PatternsConstant literals(int count) {
        List<byte[]> patterns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            patterns.add(("indicator-" + i + "-" + (i * 7919)).getBytes(StandardCharsets.US_ASCII));
        }
        return new PatternsConstant(patterns, false);
    }

    @Test
    void shouldTakeTheFasterMeasuredEngineAndSayBy() {
        EngineChoice.Choice cpu = EngineChoice.decide(58e9, 16, 48e9, 10);
        assertThat(cpu.backend()).isEqualTo(BackendKind.CPU);
        assertThat(cpu.reason()).contains("48.0 GB/s through the GPU").contains("58.0 GB/s on 16 CPU cores")
            .contains("10 patterns");
        EngineChoice.Choice gpu = EngineChoice.decide(2.9e9, 16, 47e9, 10_000);
        assertThat(gpu.backend()).isEqualTo(BackendKind.CUDA);
        assertThat(gpu.reason()).contains("10,000 patterns");
        assertThat(EngineChoice.decide(5e9, 16, 5e9, 1).backend()).as("a tie stays on the CPU").isEqualTo(BackendKind.CPU);
        assertThat(EngineChoice.decide(5e9, 16, 0, 1).backend()).as("a GPU that could not be measured")
            .isEqualTo(BackendKind.CPU);
    }

    @Test
    void shouldWeighTheLargestLiteralSetOfTheWorkload() {
        Vir0Program small = StandardPrograms.scan(literals(3).patternsUnsafe(), false);
        Vir0Program large = StandardPrograms.scan(literals(40).patternsUnsafe(), false);
        Vir0Program none = StandardPrograms.lines(null, StandardPrograms.FINAL);
        assertThat(EngineChoice.largestLiteralSet(List.of(small, none, large)).patternsUnsafe()).hasSize(40);
        assertThat(EngineChoice.largestLiteralSet(List.of(none))).isNull();
    }

    @Test
    void shouldMeasureAnEngineOncePerPatternSet() {
        PatternsConstant set = literals(25);
        VyreRuntimeContext template = new VyreRuntimeContext();
        int before = EngineChoice.CALIBRATIONS.get();
        double first = EngineChoice.measure(BackendKind.CPU, set, template, 2);
        double second = EngineChoice.measure(BackendKind.CPU, set, template, 2);
        assertThat(first).as("bytes per second").isPositive();
        assertThat(second).isEqualTo(first);
        assertThat(EngineChoice.CALIBRATIONS.get() - before).isEqualTo(1);
    }

    @Test
    void shouldCalibrateOnTheInputItIsGivenRepeatedToAChunk() {
        byte[] input = "2026-11-30 GET /index.html 200\n".getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = EngineChoice.sample(input);
        assertThat(chunk).hasSize(EngineChoice.CHUNK_BYTES);
        for (int at : new int[] {0, input.length * 1000, EngineChoice.CHUNK_BYTES - EngineChoice.CHUNK_BYTES % input.length}) {
            assertThat(Arrays.copyOfRange(chunk, at, Math.min(at + input.length, chunk.length)))
                .isEqualTo(Arrays.copyOf(input, Math.min(input.length, chunk.length - at)));
        }
        byte[] synthetic = EngineChoice.sample(null);
        assertThat(synthetic).hasSize(EngineChoice.CHUNK_BYTES).isEqualTo(EngineChoice.sample(new byte[0]));
        for (byte b : Arrays.copyOf(synthetic, 4096)) {
            assertThat(b == '\n' || (b >= 0x20 && b < 0x7F)).as("printable or a line break: %s", b).isTrue();
        }
        VyreRuntimeContext context = new VyreRuntimeContext().calibrationSample(input);
        input[0] = 'x';
        assertThat(context.calibrationSample()).startsWith((byte) '2');
    }

    @Test
    void shouldRunOnTheCpuAndSayWhyWhereCudaCannotRun() {
        String reason = Backends.cudaUnavailableReason();
        assumeThat(reason).as("this machine has a GPU: the choice is measured, see CudaEngineChoiceTest").isNotNull();
        VyreRuntimeContext context = new VyreRuntimeContext().name("auto").backend(BackendKind.AUTO).lanes(1)
            .ingestBufferBytes(1 << 16).outputRegionWords(1 << 10)
            .workload(List.of(StandardPrograms.scan(literals(5).patternsUnsafe(), false)));
        try (VyreRuntime rt = VyreRuntime.open(context)) {
            assertThat(rt.backend().kind()).isEqualTo(BackendKind.CPU);
            assertThat(rt.backendReason()).startsWith("CUDA cannot run here").contains(reason);
        }
        try (VyreRuntime rt = VyreRuntime.open(new VyreRuntimeContext().name("forced").backend(BackendKind.CPU)
            .lanes(1).ingestBufferBytes(1 << 16).outputRegionWords(1 << 10))) {
            assertThat(rt.backendReason()).isEqualTo("backend=cpu was set");
        }
    }
}
