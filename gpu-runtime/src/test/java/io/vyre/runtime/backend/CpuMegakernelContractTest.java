package io.vyre.runtime.backend;

/** The backend contract against the CPU megakernel, IO through io_uring where the kernel allows it. */
class CpuMegakernelContractTest extends MegakernelContractTest {
    @Override
    protected BackendKind backend() {
        return BackendKind.CPU;
    }
}
