package io.vyre.runtime.backend;

import io.vyre.runtime.backend.cpu.CpuMegakernel;
import java.util.ServiceLoader;

/** Chooses and creates a backend for a {@link BackendKind}. */
public final class Backends {
    private Backends() {
    }

    /**
     * Creates a CPU or CUDA backend. {@code auto} is resolved before, by measuring both (the runtime's
     * EngineChoice), so it is refused here.
     */
    public static MegakernelBackend create(BackendKind kind, BackendSettings settings) {
        switch (kind) {
            case CPU:
                return new CpuMegakernel(settings);
            case CUDA: {
                MegakernelBackendProvider cuda = provider(BackendKind.CUDA);
                String reason = cuda == null ? "the CUDA backend is not on the classpath" : cuda.unavailableReason();
                if (reason != null) {
                    throw new IllegalStateException("backend=cuda was requested but CUDA cannot run here: " + reason
                        + ". Use backend=auto to fall back to the CPU megakernel, or run on a machine with an NVIDIA"
                        + " GPU and driver");
                }
                return cuda.create(settings);
            }
            default:
                throw new IllegalArgumentException("backend=" + kind + " must be resolved to cpu or cuda first");
        }
    }

    /** Why CUDA cannot run here, or {@code null} when it can. */
    public static String cudaUnavailableReason() {
        MegakernelBackendProvider cuda = provider(BackendKind.CUDA);
        return cuda == null ? "the CUDA backend is not on the classpath" : cuda.unavailableReason();
    }

    /**
     * The device an owner's runtime of {@code kind} runs on: for CUDA the configured ordinals (or the visible
     * devices) taken round-robin by owner index, for the CPU always 0.
     */
    public static int device(BackendKind kind, BackendSettings settings) {
        if (kind != BackendKind.CUDA) {
            return 0;
        }
        MegakernelBackendProvider cuda = provider(BackendKind.CUDA);
        return settings.pickDevice(cuda == null ? 1 : cuda.deviceCount());
    }

    private static MegakernelBackendProvider provider(BackendKind kind) {
        for (MegakernelBackendProvider p : ServiceLoader.load(MegakernelBackendProvider.class,
            Backends.class.getClassLoader())) {
            if (p.kind() == kind) {
                return p;
            }
        }
        return null;
    }
}
