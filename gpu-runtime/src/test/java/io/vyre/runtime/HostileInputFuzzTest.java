package io.vyre.runtime;

import io.vyre.runtime.backend.BackendKind;

/** Hostile work-ring slots ({@link HostileSlotsFuzz}) into the CPU megakernel. */
class HostileInputFuzzTest extends HostileSlotsFuzz {
    @Override
    protected BackendKind backend() {
        return BackendKind.CPU;
    }
}
