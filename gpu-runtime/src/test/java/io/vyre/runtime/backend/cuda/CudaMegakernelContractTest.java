package io.vyre.runtime.backend.cuda;


import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.MegakernelContractTest;
import org.junit.jupiter.api.BeforeAll;

/** The backend contract against the CUDA megakernel; skips itself where no CUDA device answers. */
class CudaMegakernelContractTest extends MegakernelContractTest {

    @BeforeAll
    static void requireCuda() {
        CudaTests.assumeCuda();
    }

    @Override
    protected BackendKind backend() {
        return BackendKind.CUDA;
    }

    /** Program arena blocks of 4 MiB: the million-pattern set's tables (about 60 MiB) take blocks of their own. */
    @Override
    protected VyreRuntimeContext context() {
        return super.context().gpuBlocks(16).deviceArenaBytes(4 << 20);
    }
}
