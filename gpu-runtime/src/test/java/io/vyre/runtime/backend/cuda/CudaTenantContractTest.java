package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.Backends;
import io.vyre.runtime.backend.TenantContractTest;
import org.junit.jupiter.api.BeforeAll;

/** Tenants of one runtime against the CUDA megakernel (lanes mapped while it runs); skips without CUDA. */
class CudaTenantContractTest extends TenantContractTest {

    @BeforeAll
    static void requireCuda() {
        String reason = Backends.cudaUnavailableReason();
        assumeThat(reason).as("CUDA is not available here: %s", reason).isNull();
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
