package io.vyre.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.KernelEnvironment;
import io.vyre.runtime.backend.MatchEngine;
import io.vyre.runtime.backend.MegakernelBackend;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.PatternsConstant;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.io.IoCompletionPublisher;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.SlotResult;
import io.vyre.runtime.testing.RuntimeThreads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VyreRuntimeTest {
    @TempDir
    Path dir;

    private static VyreRuntimeContext small() {
        return new VyreRuntimeContext().name("rt-test").backend(BackendKind.CPU).cpuWorkers(2).lanes(2)
            .ingestBufferBytes(1 << 16).outputRegionWords(1 << 12);
    }

    @Test
    void shouldReleaseEveryByteAndThreadOverManyOpenCloseCycles() throws Exception {
        long bytesBefore = NativeMemory.globalOutstandingBytes();
        long buffersBefore = NativeMemory.globalOutstandingBuffers();
        Path f = dir.resolve("f.txt");
        Files.writeString(f, "needle in a haystack with a needle");
        for (int cycle = 0; cycle < 25; cycle++) {
            try (VyreRuntime rt = VyreRuntime.open(small())) {
                assertThat(rt.memory().allocatedBytes()).isPositive();
                LoadedProgram scan = rt.load(StandardPrograms.scan(List.of("needle".getBytes(StandardCharsets.US_ASCII)), false));
                int handle = rt.registerFileForRead(f);
                Lane lane = rt.acquireLane();
                lane.output().reset();
                SlotResult r = rt.call(scan, handle, 0, 0, (int) Files.size(f), lane.ingestHandle(),
                    StandardPrograms.NO_LIMIT, lane.output().handle());
                assertThat(r.result()).isEqualTo(2);
                rt.releaseLane(lane);
            }
            assertThat(NativeMemory.globalOutstandingBytes()).as("cycle %d", cycle).isEqualTo(bytesBefore);
            assertThat(NativeMemory.globalOutstandingBuffers()).isEqualTo(buffersBefore);
            assertThat(RuntimeThreads.alive()).as("threads after cycle %d", cycle).isEmpty();
        }
    }

    /**
     * A thread waiting for a slot longer than a short op's round trip sleeps, and the CPU kernel wakes it when it
     * completes the slot. Each call here follows a pause in which the workers backed off into parking, so it waits
     * for a worker to wake and for the IO pump's read: longer than the waiter's polls.
     */
    @Test
    void shouldWakeTheThreadWaitingForASlotWhenTheCpuKernelCompletesIt() throws Exception {
        Path f = Files.writeString(dir.resolve("f.txt"), "needle in a haystack with a needle");
        try (VyreRuntime rt = VyreRuntime.open(small())) {
            LoadedProgram scan = rt.load(StandardPrograms.scan(List.of("needle".getBytes(StandardCharsets.US_ASCII)), false));
            int handle = rt.registerFileForRead(f);
            for (int i = 0; i < 20; i++) {
                Thread.sleep(5);
                Lane lane = rt.acquireLane();
                lane.output().reset();
                assertThat(rt.call(scan, handle, 0, 0, (int) Files.size(f), lane.ingestHandle(),
                    StandardPrograms.NO_LIMIT, lane.output().handle()).result()).isEqualTo(2);
                rt.releaseLane(lane);
            }
            assertThat(rt.waiters().wakeUps()).as("waiters the kernel woke").isPositive();
        }
    }

    @Test
    void shouldRefuseAPatternSetTooLargeForOneTableAndKeepServing() throws Exception {
        // 2,100 random patterns of 4 KiB: their DFA would need more than 2^31 entries; the constant before it
        // compiles first, so the failed load must also let go of what the kernel took of the program
        List<byte[]> huge = new java.util.ArrayList<>();
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < 2_100; i++) {
            byte[] p = new byte[4096];
            rnd.nextBytes(p);
            huge.add(p);
        }
        Path f = Files.writeString(dir.resolve("f.txt"), "needle");
        try (VyreRuntime rt = VyreRuntime.open(small().cpuMatchEngine(MatchEngine.JAVA_DFA))) {
            Vir0Program.Builder b = Vir0Program.builder();
            int small = b.constant(new PatternsConstant(List.of("needle".getBytes(StandardCharsets.US_ASCII)), false));
            int big = b.constant(new PatternsConstant(huge, false));
            Vir0Program program = b.op(Opcode.INPUT, Vir0Program.Reg.r(1), Vir0Program.Reg.r(2))
                .op(Opcode.MATCH, small, StandardPrograms.NO_LIMIT).op(Opcode.MATCH, big, StandardPrograms.NO_LIMIT).build();
            assertThatThrownBy(() -> rt.load(program)).hasMessageContaining("split it");
            LoadedProgram scan = rt.load(StandardPrograms.scan(List.of("needle".getBytes(StandardCharsets.US_ASCII)), false));
            int handle = rt.registerFileForRead(f);
            Lane lane = rt.acquireLane();
            lane.output().reset();
            assertThat(rt.call(scan, handle, 0, 0, 6, lane.ingestHandle(), StandardPrograms.NO_LIMIT,
                lane.output().handle()).result()).isEqualTo(1);
            rt.releaseLane(lane);
        }
    }

    @Test
    void shouldRejectInvalidSettingsBeforeAllocatingAnything() {
        long before = NativeMemory.globalOutstandingBytes();
        assertThatThrownBy(() -> VyreRuntime.open(small().ringCapacity(100)))
            .hasMessageContaining("100").hasMessageContaining("power of two");
        assertThatThrownBy(() -> VyreRuntime.open(small().lanes(0))).hasMessageContaining("invalid runtime setting lanes");
        assertThatThrownBy(() -> VyreRuntime.open(small().cpuWorkers(0))).hasMessageContaining("cpuWorkers");
        assertThatThrownBy(() -> VyreRuntime.open(small().name("has space"))).hasMessageContaining("name");
        assertThatThrownBy(() -> VyreRuntime.open(small().lanes(8).ingestBufferBytes(1 << 28).nativeMemoryLimit(1 << 30)))
            .hasMessageContaining("nativeMemoryLimit").hasMessageContaining("raise the limit");
        assertThat(NativeMemory.globalOutstandingBytes()).isEqualTo(before);
        assertThat(RuntimeThreads.alive()).isEmpty();
    }

    @Test
    void shouldFailWaitersWhenTheKernelHeartbeatStops() {
        VyreRuntimeContext ctx = small().watchdogTimeout(Duration.ofMillis(300)).backendFactory(s -> new SilentBackend(null));
        try (VyreRuntime rt = VyreRuntime.open(ctx)) {
            long seq = rt.publish(Instruction.of(Opcode.NOP));
            long start = System.nanoTime();
            assertThat(rt.unserviceableReason()).as("healthy until the watchdog fires").isNull();
            assertThatThrownBy(() -> rt.await(seq, Duration.ofSeconds(30))).isInstanceOf(VyreRuntimeException.class)
                .hasMessageContaining("heartbeat has not advanced").hasMessageContaining("close this runtime");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(rt.unserviceableReason()).as("a hung runtime takes no new tenant").startsWith("hung: its heartbeat");
            assertThatThrownBy(() -> rt.poll(seq)).as("and stays hung: the next wait fails at once")
                .hasMessageContaining("the kernel is hung");
        }
    }

    @Test
    void shouldFailWaitersWithTheBackendsFault() {
        VyreRuntimeContext ctx = small().backendFactory(s -> new SilentBackend("GPU fell off the bus (Xid 79)"));
        try (VyreRuntime rt = VyreRuntime.open(ctx)) {
            long seq = rt.publish(Instruction.of(Opcode.NOP));
            assertThatThrownBy(() -> rt.await(seq, Duration.ofSeconds(30))).hasMessageContaining("faulted")
                .hasMessageContaining("Xid 79");
        }
    }

    @Test
    void shouldCloseIdempotentlyAndRefuseUseAfterClose() {
        VyreRuntime rt = VyreRuntime.open(small());
        rt.close();
        rt.close();
        assertThat(rt.isClosed()).isTrue();
        assertThatThrownBy(() -> rt.load(StandardPrograms.lines(null, 0))).hasMessageContaining("closed");
        assertThatThrownBy(rt::acquireLane).hasMessageContaining("closed");
        assertThat(rt.control().doneCount()).as("late reads see a snapshot, not freed memory").isZero();
    }

    @Test
    void shouldNameTheMissingFileWhenRegisteringIt() {
        try (VyreRuntime rt = VyreRuntime.open(small())) {
            assertThatThrownBy(() -> rt.registerFileForRead(dir.resolve("nope.txt"))).hasMessageContaining("nope.txt")
                .hasMessageContaining("no such file");
            assertThatThrownBy(() -> rt.registerFileForRead(dir)).hasMessageContaining("not a regular file");
        }
    }

    @Test
    void shouldTimeOutWaitingForALaneWhenAllAreInUse() throws InterruptedException {
        try (VyreRuntime rt = VyreRuntime.open(small())) {
            rt.acquireLane();
            rt.acquireLane();
            assertThatThrownBy(() -> rt.acquireLane(Duration.ofMillis(50))).hasMessageContaining("no lane became free");
        }
    }

    @Test
    void shouldStopAKernelWhoseLaunchFailedBeforeFreeingItsMemory() {
        long before = NativeMemory.globalOutstandingBytes();
        RunawayBackend backend = new RunawayBackend(true);
        assertThatThrownBy(() -> VyreRuntime.open(small().backendFactory(s -> backend)))
            .hasMessageContaining("injected launch failure");
        assertThat(backend.stoppedWhileItsMemoryWasHeld).as("stopped before the memory went").isTrue();
        assertThat(NativeMemory.globalOutstandingBytes()).isEqualTo(before);
    }

    @Test
    void shouldLeaveTheMemoryOfAKernelThatWouldNotStopAfterAFailedLaunch() {
        long before = NativeMemory.globalOutstandingBytes();
        RunawayBackend backend = new RunawayBackend(false);
        try {
            assertThatThrownBy(() -> VyreRuntime.open(small().backendFactory(s -> backend)))
                .hasMessageContaining("injected launch failure");
            assertThat(backend.kernel.isAlive()).as("the kernel still runs").isTrue();
            assertThat(NativeMemory.globalOutstandingBytes()).as("nothing it may write into was freed")
                .isGreaterThan(before);
        } finally {
            backend.kernel.interrupt();
        }
    }

    /** A backend that loads nothing and posts no IO; the two below differ in how their kernel behaves. */
    private abstract static class TestBackend implements MegakernelBackend {
        KernelEnvironment env;

        @Override
        public BackendKind kind() {
            return BackendKind.CPU;
        }

        @Override
        public String description() {
            return getClass().getSimpleName();
        }

        @Override
        public String matchEngine() {
            return "none";
        }

        @Override
        public void launch(KernelEnvironment environment) {
            env = environment;
        }

        @Override
        public void programLoaded(LoadedProgram program) {
        }

        @Override
        public void programUnloaded(LoadedProgram program) {
        }

        @Override
        public IoCompletionPublisher ioCompletions() {
            return (request, completion) -> env.ioQueue().complete(completion);
        }

        @Override
        public String fault() {
            return null;
        }

        @Override
        public void close() {
        }
    }

    /** A kernel that is running when its launch fails; it stops on SHUTDOWN only if told to. */
    private static final class RunawayBackend extends TestBackend {
        private final boolean stopsOnShutdown;
        volatile boolean stoppedWhileItsMemoryWasHeld;
        Thread kernel;
        private long heldAtLaunch;

        RunawayBackend(boolean stopsOnShutdown) {
            this.stopsOnShutdown = stopsOnShutdown;
        }

        @Override
        public void launch(KernelEnvironment environment) {
            super.launch(environment);
            heldAtLaunch = NativeMemory.globalOutstandingBytes();
            kernel = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()
                    && !(stopsOnShutdown && environment.control().isShutdownRequested())) {
                    environment.ring().putIntVolatile(0, 0);
                    Thread.onSpinWait();
                }
            }, "test-runaway-kernel");
            kernel.setDaemon(true);
            kernel.start();
            throw new IllegalStateException("injected launch failure after the kernel started");
        }

        @Override
        public boolean sharedMemoryReleasable() {
            return !kernel.isAlive();
        }

        @Override
        public void close() {
            env.control().requestShutdown();
            try {
                kernel.join(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stoppedWhileItsMemoryWasHeld = !kernel.isAlive()
                && NativeMemory.globalOutstandingBytes() >= heldAtLaunch;
        }
    }

    /** A backend whose kernel never runs: its heartbeat stands still, or it reports a fault. */
    private static final class SilentBackend extends TestBackend {
        private final String fault;

        SilentBackend(String fault) {
            this.fault = fault;
        }

        @Override
        public String fault() {
            return fault;
        }
    }
}
