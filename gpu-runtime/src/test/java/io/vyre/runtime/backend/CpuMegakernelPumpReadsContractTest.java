package io.vyre.runtime.backend;

import io.vyre.runtime.VyreRuntimeContext;

/**
 * The backend contract against the CPU megakernel with every READ left to the IO pump on io_uring where the kernel
 * allows it, as on a GPU (the workers do not read for themselves).
 */
class CpuMegakernelPumpReadsContractTest extends MegakernelContractTest {
    @Override
    protected BackendKind backend() {
        return BackendKind.CPU;
    }

    @Override
    protected VyreRuntimeContext context() {
        return super.context().callerReads(false);
    }

    /** Only who serves the READs differs from {@link CpuMegakernelContractTest}, which runs the million-pattern set. */
    @Override
    protected boolean coversMillionPatternSets() {
        return false;
    }
}
