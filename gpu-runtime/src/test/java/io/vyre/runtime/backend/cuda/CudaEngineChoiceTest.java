package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.Backends;
import io.vyre.runtime.bytecode.StandardPrograms;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a machine with a GPU, backend=auto measures both engines for the workload's literal set and says what it
 * measured; which one wins depends on the machine (with few patterns many CPU cores out-run the PCIe link,
 * with many the GPU wins), so the figures are printed, not asserted.
 */
class CudaEngineChoiceTest {

    @ParameterizedTest
    @ValueSource(ints = {10, 1_000, 10_000})
    void shouldChooseByMeasuringBothEngines(int count) {
        String unavailable = Backends.cudaUnavailableReason();
        assumeThat(unavailable).as("CUDA is not available here: %s", unavailable).isNull();
        Random rnd = new Random(count);
        List<byte[]> patterns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[8 + rnd.nextInt(25)];
            for (int k = 0; k < p.length; k++) {
                p[k] = (byte) (0x21 + rnd.nextInt(94));
            }
            patterns.add(p);
        }
        VyreRuntimeContext context = new VyreRuntimeContext().name("auto-" + count).backend(BackendKind.AUTO).lanes(1)
            .ingestBufferBytes(1 << 16).outputRegionWords(1 << 10).workload(List.of(StandardPrograms.scan(patterns, false)));
        try (VyreRuntime rt = VyreRuntime.open(context)) {
            System.out.println("backend=auto, " + count + " patterns: " + rt.backend().kind() + " because "
                + rt.backendReason());
            assertThat(rt.backendReason()).contains("through the GPU").contains("CPU cores");
            assertThat(rt.backendReason()).as("both engines were measured").doesNotContain(" 0.0 GB/s");
        }
    }
}
