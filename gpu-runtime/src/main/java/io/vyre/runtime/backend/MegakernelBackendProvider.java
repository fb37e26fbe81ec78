package io.vyre.runtime.backend;

/**
 * Creates one kind of backend; found through {@link java.util.ServiceLoader}, so that a backend with
 * native dependencies (CUDA) is only touched when it is asked for.
 */
public interface MegakernelBackendProvider {
    BackendKind kind();

    /** Null when this backend can run here, else the reason it cannot. */
    String unavailableReason();

    /** Devices of this kind visible here (the CPU counts as one). */
    default int deviceCount() {
        return 1;
    }

    MegakernelBackend create(BackendSettings settings);
}
