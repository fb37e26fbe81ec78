package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.backend.Backends;
import org.junit.jupiter.api.Test;

/** Why CUDA cannot run must fit on one line, whatever JCuda packs into its link error. */
class CudaProbeMessageTest {

    @Test
    void shouldNameTheMissingDriverLibraryInOneLine() {
        String jcudaMessage = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
            + "Operating system name: Linux\n"
            + "---(start of nested stack traces)---\n"
            + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib\n"
            + "\tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2434)\n"
            + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open"
            + " shared object file: No such file or directory\n"
            + "\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)\n"
            + "---(end of nested stack traces)---\n";
        assertThat(Cuda.linkFailure(new UnsatisfiedLinkError(jcudaMessage)))
            .isEqualTo("libcuda.so.1: cannot open shared object file: No such file or directory");
        assertThat(Cuda.linkFailure(new UnsatisfiedLinkError("plain"))).isEqualTo("plain");
    }

    @Test
    void shouldGiveAOneLineReasonOrNoneOnThisMachine() {
        String reason = Backends.cudaUnavailableReason();
        if (reason != null) {
            assertThat(reason).doesNotContain("\n").hasSizeLessThan(300);
        }
    }
}
