package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The PTX in the jar must be built from the CUDA sources in the tree (users without nvcc run it as shipped). */
class PtxFreshnessTest {

    @Test
    void shippedPtxWasBuiltFromTheCurrentSources() throws Exception {
        // the order build-ptx.sh hashes them in
        ByteArrayOutputStream sources = new ByteArrayOutputStream();
        Path cuda = Path.of("src/main/cuda");
        sources.write(Files.readAllBytes(cuda.resolve("megakernel.cu")));
        sources.write(Files.readAllBytes(cuda.resolve("vyre_protocol.h")));
        try (Stream<Path> parts = Files.list(cuda.resolve("kernel"))) {
            for (Path part : parts.filter(p -> p.toString().endsWith(".cuh")).sorted().toList()) {
                sources.write(Files.readAllBytes(part));
            }
        }
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sources.toByteArray()));
        String ptx = CudaBackend.loadPtx();
        assertThat(ptx.lines().findFirst()).hasValue("// source-sha256: " + hash)
            .as("run gpu-runtime/src/main/cuda/build-ptx.sh (needs nvcc) and commit the PTX");
        assertThat(ptx).contains(".entry vyre_megakernel").contains(".target sm_90");
    }
}
