package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.backend.Backends;

/** What every CUDA test shares: it skips itself, with the reason, where no CUDA device answers. */
final class CudaTests {
    private CudaTests() {
    }

    static void assumeCuda() {
        String reason = Backends.cudaUnavailableReason();
        assumeThat(reason).as("CUDA is not available here: %s", reason).isNull();
    }
}
