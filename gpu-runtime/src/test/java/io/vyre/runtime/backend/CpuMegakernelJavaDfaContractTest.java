package io.vyre.runtime.backend;

import io.vyre.runtime.VyreRuntimeContext;

/** The backend contract against the CPU megakernel with MATCH on the Java DFA (the fallback where Vectorscan cannot run). */
class CpuMegakernelJavaDfaContractTest extends MegakernelContractTest {
    @Override
    protected BackendKind backend() {
        return BackendKind.CPU;
    }

    @Override
    protected VyreRuntimeContext context() {
        return super.context().cpuMatchEngine(MatchEngine.JAVA_DFA);
    }
}
