package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.memory.NativeMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A launch that fails midway stops its kernel before anything is freed; fault() and close() never race. */
class CudaLaunchAndCloseTest {

    @BeforeAll
    static void requireCuda() {
        CudaTests.assumeCuda();
    }

    @AfterEach
    void clearInjection() {
        CudaBackend.afterLaunch = () -> { };
    }

    private static VyreRuntimeContext small() {
        return new VyreRuntimeContext().name("cuda-launch").backend(BackendKind.CUDA).gpuBlocks(8).lanes(2)
            .ingestBufferBytes(1 << 16).outputRegionWords(1 << 12);
    }

    @Test
    void shouldStopTheKernelWhenItsLaunchFailsAfterItStarted() {
        long before = NativeMemory.globalOutstandingBytes();
        AtomicReference<CudaBackend> backend = new AtomicReference<>();
        CudaBackend.afterLaunch = () -> {
            throw new IllegalStateException("injected failure after the kernel was launched");
        };
        assertThatThrownBy(() -> VyreRuntime.open(small().backendFactory(s -> {
            backend.set(new CudaBackend(s));
            return backend.get();
        }))).hasMessageContaining("injected failure");
        assertThat(backend.get().kernelStopped()).as("the kernel was stopped").isTrue();
        assertThat(backend.get().sharedMemoryReleasable()).isTrue();
        assertThat(NativeMemory.globalOutstandingBytes()).as("host memory freed once it stopped").isEqualTo(before);
        CudaBackend.afterLaunch = () -> { };
        try (VyreRuntime rt = VyreRuntime.open(small())) {
            assertThat(rt.execute(Instruction.of(Opcode.NOP)).ok()).as("the device is usable afterwards").isTrue();
        }
    }

    @Test
    void shouldRefuseMoreBlocksThanTheDeviceKeepsResident() {
        long before = NativeMemory.globalOutstandingBytes();
        assertThatThrownBy(() -> VyreRuntime.open(small().gpuBlocks(1_000_000)))
            .hasMessageContaining("resident blocks").hasMessageContaining("set gpuBlocks to at most");
        assertThat(NativeMemory.globalOutstandingBytes()).isEqualTo(before);
    }

    @Test
    void shouldAnswerFaultQueriesWhileTheRuntimeCloses() throws Exception {
        VyreRuntime rt = VyreRuntime.open(small());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> askers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        rt.backend().fault();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }
            });
            t.start();
            askers.add(t);
        }
        assertThat(rt.execute(Instruction.of(Opcode.NOP)).ok()).isTrue();
        rt.close();
        stop.set(true);
        for (Thread t : askers) {
            t.join(10_000);
        }
        assertThat(failure.get()).as("no fault query failed while closing").isNull();
        assertThat(rt.backend().fault()).as("a clean close is not a fault").isNull();
    }
}
