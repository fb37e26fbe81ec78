package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * vyre_protocol.h is generated from the Java side of the contract (KernelContract): the checked-in file must
 * be exactly what it renders today. Run with {@code -Dvyre.regenerateHeader=true} to rewrite it.
 */
class VyreProtocolHeaderTest {

    @Test
    void checkedInHeaderIsTheOneTheJavaContractRenders() throws Exception {
        Path header = Path.of(KernelContract.HEADER);
        String rendered = KernelContract.header();
        if (Boolean.getBoolean("vyre.regenerateHeader")) {
            Files.writeString(header, rendered, StandardCharsets.US_ASCII);
        }
        assertThat(Files.readString(header, StandardCharsets.US_ASCII))
            .as("%s is out of date: regenerate it with mvn -pl gpu-runtime test -Dtest=VyreProtocolHeaderTest"
                + " -Dvyre.regenerateHeader=true, then rebuild the PTX (src/main/cuda/build-ptx.sh)", header)
            .isEqualTo(rendered);
    }

    @Test
    void everyKernelArgumentAndCounterHasADistinctIndex() {
        assertThat(KernelArg.values()).extracting(KernelArg::ordinal).doesNotHaveDuplicates();
        assertThat(DeviceCounter.values()).extracting(DeviceCounter::wordOffset).doesNotHaveDuplicates()
            .allMatch(offset -> offset % DeviceCounter.LINE_WORDS == 0);
        assertThat(DeviceCounter.totalWords()).isEqualTo(DeviceCounter.READY_TAIL.wordOffset()
            + KernelContract.PRIORITY_LEVELS * DeviceCounter.LINE_WORDS);
    }
}
