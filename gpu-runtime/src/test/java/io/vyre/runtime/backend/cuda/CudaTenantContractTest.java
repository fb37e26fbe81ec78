package io.vyre.runtime.backend.cuda;


import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.TenantContractTest;
import org.junit.jupiter.api.BeforeAll;

/** Tenants of one runtime against the CUDA megakernel (lanes mapped while it runs); skips without CUDA. */
class CudaTenantContractTest extends TenantContractTest {

    @BeforeAll
    static void requireCuda() {
        CudaTests.assumeCuda();
    }

    @Override
    protected BackendKind backend() {
        return BackendKind.CUDA;
    }

    @Override
    protected VyreRuntimeContext context(int tenants) {
        return super.context(tenants).gpuBlocks(16);
    }
}
