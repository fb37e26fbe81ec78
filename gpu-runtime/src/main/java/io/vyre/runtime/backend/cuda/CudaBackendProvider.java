package io.vyre.runtime.backend.cuda;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.BackendSettings;
import io.vyre.runtime.backend.MegakernelBackend;
import io.vyre.runtime.backend.MegakernelBackendProvider;

/** Registers the CUDA backend with {@link io.vyre.runtime.backend.Backends} (ServiceLoader). */
public final class CudaBackendProvider implements MegakernelBackendProvider {
    @Override
    public BackendKind kind() {
        return BackendKind.CUDA;
    }

    @Override
    public String unavailableReason() {
        return Cuda.unavailableReason();
    }

    @Override
    public int deviceCount() {
        return Cuda.deviceCount();
    }

    @Override
    public MegakernelBackend create(BackendSettings settings) {
        return new CudaBackend(settings);
    }
}
