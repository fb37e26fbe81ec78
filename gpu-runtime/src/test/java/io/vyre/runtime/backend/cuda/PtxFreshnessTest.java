package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The PTX in the jar must be built from the CUDA sources in the tree (users without nvcc run it as shipped). */
class PtxFreshnessTest {

    @Test
    void shippedPtxWasBuiltFromTheCurrentSources() throws Exception {
        ByteArrayOutputStream sources = new ByteArrayOutputStream();
        sources.write(Files.readAllBytes(Path.of("src/main/cuda/vyre_protocol.h")));
        sources.write(Files.readAllBytes(Path.of("src/main/cuda/megakernel.cu")));
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sources.toByteArray()));
        String ptx = CudaBackend.loadPtx();
        assertThat(ptx.lines().findFirst()).hasValue("// source-sha256: " + hash)
            .as("run gpu-runtime/src/main/cuda/build-ptx.sh (needs nvcc) and commit the PTX");
        assertThat(ptx).contains(".entry vyre_megakernel").contains(".target sm_90");
    }
}
