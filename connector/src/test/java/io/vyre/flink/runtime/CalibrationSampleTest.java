package io.vyre.flink.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backend=auto measures the engines on the start of the input: at most one chunk of it, none when unreadable. */
class CalibrationSampleTest {
    @TempDir
    Path dir;

    @Test
    void shouldTakeTheStartOfTheFileUpToOneChunk() throws Exception {
        byte[] big = new byte[VyreRuntimeSettings.CALIBRATION_SAMPLE_BYTES + 4096];
        Arrays.fill(big, (byte) 'a');
        big[0] = 'b';
        Files.write(dir.resolve("big.log"), big);
        byte[] sample = VyreRuntimeSettings.calibrationSample(dir.resolve("big.log"));
        assertThat(sample).hasSize(VyreRuntimeSettings.CALIBRATION_SAMPLE_BYTES).startsWith((byte) 'b');
        Files.write(dir.resolve("small.log"), new byte[] {'x', 'y'});
        assertThat(VyreRuntimeSettings.calibrationSample(dir.resolve("small.log"))).containsExactly('x', 'y');
    }

    @Test
    void shouldFallBackToNoSampleWhenTheFileCannotBeRead() {
        assertThat(VyreRuntimeSettings.calibrationSample(dir.resolve("missing.log"))).isNull();
        assertThat(VyreRuntimeSettings.calibrationSample(dir)).isNull();
        assertThat(VyreRuntimeSettings.calibrationSample(null)).isNull();
    }
}
