package io.vyre.flink;

import io.vyre.runtime.backend.BackendKind;
import java.util.Locale;

/**
 * The backend the job-level reliability tests run their sources on: the CPU megakernel by default (CI), the CUDA
 * one with {@code -Dvyre.test.backend=cuda} (the GPU machine: {@code tools/gpu/run.sh itcases}).
 */
final class TestBackends {
    private TestBackends() {
    }

    static BackendKind source() {
        return BackendKind.valueOf(System.getProperty("vyre.test.backend", "cpu").toUpperCase(Locale.ROOT));
    }
}
