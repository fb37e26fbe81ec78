package io.vyre.runtime.backend;

import io.vyre.runtime.io.IoPath;

/** The backend contract against the CPU megakernel with the IO pump forced onto the FileChannel fallback. */
class CpuMegakernelFileChannelContractTest extends MegakernelContractTest {
    @Override
    protected BackendKind backend() {
        return BackendKind.CPU;
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
