package io.vyre.runtime.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.SlotResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPU megakernel counts the slots its workers ran and the IO they waited for, which its close log reports. */
class CpuMegakernelTimesTest {
    @TempDir
    Path dir;

    @Test
    void shouldCountEverySlotAndEveryReadItsWorkersWaitedFor() throws Exception {
        try (VyreRuntime rt = VyreRuntime.open(context())) {
            CpuMegakernel kernel = (CpuMegakernel) rt.backend();
            long callNanos = runThreeNopsAndAScan(rt);

            assertThat(kernel.slotTimes().count()).isEqualTo(4);
            assertThat(kernel.slotTimes().nanos()).isPositive();
            TimeTally io = kernel.ioWaits();
            assertThat(io.count()).as("the scan's one read").isEqualTo(1);
            assertThat(io.nanos()).as("waited for it, within the call").isPositive().isLessThanOrEqualTo(callNanos);
            TimeTally servedHere = kernel.ioServedByWorkers();
            assertThat(servedHere.count()).as("read by its worker").isEqualTo(1);
            assertThat(servedHere.nanos()).isPositive().isLessThanOrEqualTo(io.nanos());
            assertThat(kernel.ioClaimWaits().count()).as("no wait for a pump").isZero();
        }
    }

    @Test
    void shouldCountTheWaitBeforeThePumpClaimedEachReadWhenOnlyPumpsRead() throws Exception {
        try (VyreRuntime rt = VyreRuntime.open(context().callerReads(false))) {
            CpuMegakernel kernel = (CpuMegakernel) rt.backend();
            runThreeNopsAndAScan(rt);

            TimeTally io = kernel.ioWaits();
            assertThat(io.count()).isEqualTo(1);
            assertThat(kernel.ioServedByWorkers().count()).isZero();
            TimeTally beforeClaim = kernel.ioClaimWaits();
            assertThat(beforeClaim.count()).isEqualTo(1);
            assertThat(beforeClaim.nanos()).as("part of that wait").isPositive().isLessThanOrEqualTo(io.nanos());
        }
    }

    private VyreRuntimeContext context() {
        return new VyreRuntimeContext().name("times").backend(BackendKind.CPU).cpuWorkers(2)
            .lanes(1).ingestBufferBytes(1 << 16).outputRegionWords(1 << 12);
    }

    /** Three NOPs and a scan of a small file that finds two needles; returns the scan's time as its caller saw it. */
    private long runThreeNopsAndAScan(VyreRuntime rt) throws Exception {
        Path f = Files.writeString(dir.resolve("f.txt"), "needle in a haystack with a needle");
        for (int i = 0; i < 3; i++) {
            rt.execute(Instruction.of(Opcode.NOP));
        }
        LoadedProgram scan = rt.load(StandardPrograms.scan(List.of("needle".getBytes(StandardCharsets.US_ASCII)),
            false));
        Lane lane = rt.acquireLane();
        lane.output().reset();
        long before = System.nanoTime();
        SlotResult r = rt.call(scan, rt.registerFileForRead(f), 0, 0, (int) Files.size(f), lane.ingestHandle(),
            StandardPrograms.NO_LIMIT, lane.output().handle());
        long callNanos = System.nanoTime() - before;
        assertThat(r.result()).isEqualTo(2);
        return callNanos;
    }
}
