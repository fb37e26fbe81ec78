package io.vyre.runtime.backend;

import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.io.IoPath;

/**
 * The backend contract against the CPU megakernel with the IO pump forced onto the FileChannel fallback, and every
 * READ left to it (the workers do not read for themselves).
 */
class CpuMegakernelFileChannelContractTest extends MegakernelContractTest {
    @Override
    protected BackendKind backend() {
        return BackendKind.CPU;
    }

    @Override
    protected VyreRuntimeContext context() {
        return super.context().callerReads(false);
    }

    @Override
    protected IoPath ioPath() {
        return IoPath.FILE_CHANNEL;
    }

    /** Only the IO path differs from {@link CpuMegakernelContractTest}, which runs the million-pattern set. */
    @Override
    protected boolean coversMillionPatternSets() {
        return false;
    }
}
