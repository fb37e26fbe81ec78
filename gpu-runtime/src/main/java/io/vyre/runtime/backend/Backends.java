package io.vyre.runtime.backend;

import io.vyre.runtime.backend.cpu.CpuMegakernel;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses and creates a backend for a {@link BackendKind}. */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private Backends() {
    }

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
            default: {
                MegakernelBackendProvider cuda = provider(BackendKind.CUDA);
                String reason = cuda == null ? "the CUDA backend is not on the classpath" : cuda.unavailableReason();
                if (reason == null) {
                    LOG.info("backend=auto picked CUDA");
                    return cuda.create(settings);
                }
                LOG.info("backend=auto picked the CPU megakernel because {}", reason);
                return new CpuMegakernel(settings);
            }
        }
    }

    /** Why CUDA cannot run here, or {@code null} when it can. */
    public static String cudaUnavailableReason() {
        MegakernelBackendProvider cuda = provider(BackendKind.CUDA);
        return cuda == null ? "the CUDA backend is not on the classpath" : cuda.unavailableReason();
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
