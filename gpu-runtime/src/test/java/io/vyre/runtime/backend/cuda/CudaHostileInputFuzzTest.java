package io.vyre.runtime.backend.cuda;

import io.vyre.runtime.HostileSlotsFuzz;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.Backends;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Hostile work-ring slots ({@link HostileSlotsFuzz}) into the CUDA megakernel, on the GPU machine
 * ({@code tools/gpu/run.sh fuzz}); skipped, with the reason, where no CUDA device answers.
 */
@AddLifecycleHook(CudaHostileInputFuzzTest.RequireCuda.class)
class CudaHostileInputFuzzTest extends HostileSlotsFuzz {
    @Override
    protected BackendKind backend() {
        return BackendKind.CUDA;
    }

    /** jqwik's skip: the properties do not run (and the runtime is not opened) without CUDA. */
    static final class RequireCuda implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            String reason = Backends.cudaUnavailableReason();
            return reason == null ? SkipResult.doNotSkip() : SkipResult.skip("CUDA is not available here: " + reason);
        }
    }
}
