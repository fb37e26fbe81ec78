package io.vyre.runtime.backend;

/** Tenants of one runtime against the CPU megakernel. */
class CpuTenantContractTest extends TenantContractTest {
    @Override
    protected BackendKind backend() {
        return BackendKind.CPU;
    }
}
