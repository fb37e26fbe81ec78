package io.vyre.runtime.backend;

import static io.vyre.runtime.bytecode.Vir0Program.Reg.r;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.VyreRuntimeException;
import io.vyre.runtime.bytecode.ExprConstant;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.PatternsConstant;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import io.vyre.runtime.dfa.AhoCorasickDfa;
import io.vyre.runtime.io.IoPath;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.IoCompletion;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.IoRequest;
import io.vyre.runtime.protocol.SlotError;
import io.vyre.runtime.protocol.SlotResult;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import io.vyre.runtime.testing.HostIoServer;
import io.vyre.runtime.testing.NaiveScan;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every megakernel backend must show, run against each one through a real runtime (ring,
 * control block, IO queue, pump, lanes). Subclasses name the backend and IO path; backends that cannot
 * run on this machine skip themselves in a {@code @BeforeAll}.
 */
public abstract class MegakernelContractTest {
    protected static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    protected Path dir;
    protected VyreRuntime rt;

    protected abstract BackendKind backend();

    protected IoPath ioPath() {
        return IoPath.AUTO;
    }

    protected VyreRuntimeContext context() {
        return new VyreRuntimeContext().name("contract").backend(backend()).ioPath(ioPath()).cpuWorkers(2)
            .ringCapacity(64).lanes(4).ingestBufferBytes(1 << 16).outputRegionWords(1 << 14)
            .watchdogTimeout(Duration.ofSeconds(10));
    }

    @BeforeEach
    void openRuntime() {
        rt = VyreRuntime.open(context());
    }

    @AfterEach
    void closeRuntime() {
        if (rt != null) {
            rt.close();
        }
    }

    private SlotResult run(Instruction instruction) {
        return rt.await(rt.publish(instruction), WAIT);
    }

    private SlotResult call(LoadedProgram p, int... params) {
        return rt.await(rt.publishCall(p, 0, 0, params), WAIT);
    }

    private Path file(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    private static int observable(int i) {
        return ControlBlockDescriptor.OBSERVABLE_BASE + i;
    }

    // ---- the ring state machine and the control block -------------------------------------------------

    @Test
    void shouldCompleteANopAndCountItDone() {
        long before = rt.control().doneCount();
        long nops = rt.control().metric(Opcode.NOP.metricIndex());
        long seq = rt.publish(Instruction.of(Opcode.NOP));
        SlotResult result = rt.await(seq, WAIT);
        assertThat(result.ok()).as(result.describe()).isTrue();
        assertThat(result.sequence()).isEqualTo(seq);
        assertThat(rt.control().doneCount()).isEqualTo(before + 1);
        assertThat(rt.control().metric(Opcode.NOP.metricIndex())).isEqualTo(nops + 1);
        assertThat(rt.ring().status(rt.ring().slotIndex(seq))).isEqualTo(WorkRingDescriptor.EMPTY);
    }

    @Test
    void shouldLeaveADoneSlotDoneUntilTheHostTakesIt() throws InterruptedException {
        long seq = rt.publish(Instruction.of(Opcode.NOP));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!rt.ring().isDone(seq) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        int slot = rt.ring().slotIndex(seq);
        assertThat(rt.ring().status(slot)).isEqualTo(WorkRingDescriptor.DONE);
        Thread.sleep(20);
        assertThat(rt.ring().status(slot)).isEqualTo(WorkRingDescriptor.DONE);
        assertThat(rt.ring().take(seq).ok()).isTrue();
        assertThat(rt.ring().status(slot)).isEqualTo(WorkRingDescriptor.EMPTY);
        assertThat(rt.ring().take(seq)).isNull();
    }

    @Test
    void shouldWrapAroundTheRingManyTimes() {
        for (int i = 0; i < 64 * 5; i++) {
            assertThat(run(Instruction.of(Opcode.ATOMIC_ADD, observable(0), 1)).ok()).isTrue();
        }
        assertThat(rt.control().observable(0)).isEqualTo(320);
    }

    @Test
    void shouldStoreLoadAddAndCompareSwapObservableWords() {
        assertThat(run(Instruction.of(Opcode.STORE_U32, 41, observable(3))).ok()).isTrue();
        assertThat(rt.control().observable(3)).isEqualTo(41);
        SlotResult add = run(Instruction.of(Opcode.ATOMIC_ADD, observable(3), 2));
        assertThat(add.result()).as("ATOMIC_ADD returns the old value").isEqualTo(41);
        assertThat(run(Instruction.of(Opcode.LOAD_U32, observable(3))).result()).isEqualTo(43);
        SlotResult miss = run(Instruction.of(Opcode.COMPARE_SWAP, observable(3), 7, 100));
        assertThat(miss.result()).isEqualTo(43);
        assertThat(miss.detail()).as("not swapped").isZero();
        SlotResult hit = run(Instruction.of(Opcode.COMPARE_SWAP, observable(3), 43, 100));
        assertThat(hit.detail()).as("swapped").isEqualTo(1);
        assertThat(rt.control().observable(3)).isEqualTo(100);
        assertThat(run(Instruction.of(Opcode.LOAD_U32, ControlBlockDescriptor.TENANT_QUOTA_BASE)).result())
            .as("any control word can be read").isEqualTo(ControlBlockDescriptor.QUOTA_UNLIMITED);
    }

    @Test
    void shouldRejectADeniedTenantWithoutRunningIt() {
        rt.control().denyTenant(3);
        long failed = rt.control().failedCount();
        SlotResult r = rt.await(rt.publish(Instruction.of(Opcode.STORE_U32, 9, observable(1)), 3, 0), WAIT);
        assertThat(r.error()).isEqualTo(SlotError.TENANT_DENIED);
        assertThat(r.detail()).isEqualTo(3);
        assertThat(rt.control().observable(1)).as("nothing ran").isZero();
        assertThat(rt.control().failedCount()).isEqualTo(failed + 1);
        rt.control().allowTenant(3);
        assertThat(rt.await(rt.publish(Instruction.of(Opcode.STORE_U32, 9, observable(1)), 3, 0), WAIT).ok()).isTrue();
        assertThat(rt.control().observable(1)).isEqualTo(9);
    }

    @Test
    void shouldEnforceTenantQuotas() {
        rt.control().allowTenant(5);
        rt.control().setTenantQuota(5, 2);
        for (int i = 0; i < 2; i++) {
            assertThat(rt.await(rt.publish(Instruction.of(Opcode.ATOMIC_ADD, observable(2), 1), 5, 0), WAIT).ok()).isTrue();
        }
        SlotResult third = rt.await(rt.publish(Instruction.of(Opcode.ATOMIC_ADD, observable(2), 1), 5, 0), WAIT);
        assertThat(third.error()).isEqualTo(SlotError.QUOTA_EXHAUSTED);
        assertThat(rt.control().observable(2)).isEqualTo(2);
        assertThat(rt.control().tenantExecutions(5)).isEqualTo(2);
    }

    @Test
    void shouldFailAnUnknownOpcodePublishedPastValidation() {
        long seq = publishRaw(0x0077, 0);
        SlotResult r = rt.await(seq, WAIT);
        assertThat(r.error()).isEqualTo(SlotError.UNKNOWN_OPCODE);
        assertThat(r.detail()).isEqualTo(0x77);
        SlotResult dataOpInSlot = rt.await(publishRaw(Opcode.MATCH.code(), 0), WAIT);
        assertThat(dataOpInSlot.error()).isEqualTo(SlotError.UNKNOWN_OPCODE);
        assertThat(run(Instruction.of(Opcode.NOP)).ok()).as("the kernel keeps serving").isTrue();
    }

    @Test
    void shouldFailABadPriorityPublishedPastValidation() {
        SlotResult r = rt.await(publishRaw(Opcode.NOP.code(), 9), WAIT);
        assertThat(r.error()).isEqualTo(SlotError.BAD_OPERAND);
    }

    private long publishRaw(int opcode, int priority) {
        long seq;
        while ((seq = rt.ring().tryPublish(opcode, 0, priority, new int[8])) < 0) {
            Thread.onSpinWait();
        }
        return seq;
    }

    @Test
    void shouldFailAnUnknownProgramHandle() {
        SlotResult r = run(new Instruction(Opcode.CALL, 0, 999, 0, 0, 0, 0, 0, 0, 0));
        assertThat(r.error()).isEqualTo(SlotError.UNKNOWN_HANDLE);
        assertThat(r.detail()).isEqualTo(999);
    }

    @Test
    void shouldCheckRegisterOperandsWhenTheyRunAndNameTheOp() {
        LoadedProgram p = rt.load(Vir0Program.builder().op(Opcode.NOP).op(Opcode.STORE_U32, r(2), r(1)).build());
        SlotResult bad = call(p, 5, 77);
        assertThat(bad.error()).isEqualTo(SlotError.BAD_OPERAND);
        assertThat(bad.failedOpIndex()).isEqualTo(1);
        assertThat(bad.detail()).as("operand index").isEqualTo(1);
        assertThat(call(p, observable(4), 77).ok()).isTrue();
        assertThat(rt.control().observable(4)).isEqualTo(77);
    }

    @Test
    void shouldAdvanceTheHeartbeatWhileIdle() throws InterruptedException {
        int before = rt.control().heartbeat();
        Thread.sleep(50);
        assertThat(rt.control().heartbeat()).isNotEqualTo(before);
        assertThat(rt.control().kernelState()).isEqualTo(ControlBlockDescriptor.STATE_RUNNING);
        assertThat(rt.control().workers()).isPositive();
    }

    @Test
    void shouldExitOnShutdownAndRefuseNewWork() {
        rt.close();
        assertThat(rt.control().kernelState()).isEqualTo(ControlBlockDescriptor.STATE_EXITED);
        assertThat(rt.control().workers()).isZero();
        assertThatThrownBy(() -> rt.publish(Instruction.of(Opcode.NOP))).isInstanceOf(VyreRuntimeException.class)
            .hasMessageContaining("closed");
    }

    @Test
    void shouldCompleteAFenceOnlyAfterEverySlotBeforeIt() throws IOException {
        Path f = file("fence.bin", new byte[60_000]);
        int handle = rt.registerFileForRead(f);
        Lane lane = rt.lanes().get(0);
        List<Long> before = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            before.add(rt.publish(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 60_000, lane.ingestHandle())));
        }
        long fence = rt.publish(Instruction.of(Opcode.BATCH_FENCE));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!rt.ring().isDone(fence) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        for (long seq : before) {
            assertThat(rt.ring().isDone(seq)).as("slot %d before the fence", seq).isTrue();
        }
        assertThat(rt.await(fence, WAIT).ok()).isTrue();
        for (long seq : before) {
            assertThat(rt.await(seq, WAIT).result()).isEqualTo(60_000);
        }
    }

    // ---- IO round trips ----------------------------------------------------------------------------------

    @Test
    void shouldLoadFileBytesIntoAnIngestBufferThroughTheIoQueue() throws IOException {
        byte[] content = new byte[40_000];
        new Random(7).nextBytes(content);
        int handle = rt.registerFileForRead(file("data.bin", content));
        Lane lane = rt.lanes().get(1);
        long reads = readsServed();
        SlotResult r = run(Instruction.of(Opcode.LOAD_MISS, handle, 1000, 0, 30_000, lane.ingestHandle()));
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.result()).isEqualTo(30_000);
        byte[] loaded = new byte[30_000];
        lane.ingest().buffer().getBytes(0, loaded);
        assertThat(loaded).isEqualTo(java.util.Arrays.copyOfRange(content, 1000, 31_000));
        assertThat(readsServed()).isEqualTo(reads + 1);
    }

    @Test
    void shouldFailAReadPastTheHandleBounds() throws IOException {
        int handle = rt.registerFileForRead(file("small.bin", new byte[100]));
        Lane lane = rt.lanes().get(0);
        SlotResult r = run(Instruction.of(Opcode.LOAD_MISS, handle, 50, 0, 51, lane.ingestHandle()));
        assertThat(r.error()).isEqualTo(SlotError.IO_ERROR);
        assertThat(IoError.fromCode(r.detail())).isEqualTo(IoError.OUT_OF_BOUNDS);
        SlotResult tooBigForBuffer = run(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, (1 << 16) + 1, lane.ingestHandle()));
        assertThat(IoError.fromCode(tooBigForBuffer.detail())).isEqualTo(IoError.OUT_OF_BOUNDS);
        assertThat(run(Instruction.of(Opcode.LOAD_MISS, handle, 50, 0, 50, lane.ingestHandle())).ok()).isTrue();
    }

    @Test
    void shouldFailUnknownHandlesOnEitherSide() throws IOException {
        int handle = rt.registerFileForRead(file("x.bin", new byte[10]));
        Lane lane = rt.lanes().get(0);
        assertThat(IoError.fromCode(run(Instruction.of(Opcode.LOAD_MISS, 4242, 0, 0, 1, lane.ingestHandle())).detail()))
            .isEqualTo(IoError.UNKNOWN_SOURCE_HANDLE);
        assertThat(IoError.fromCode(run(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 1, 4242)).detail()))
            .isEqualTo(IoError.UNKNOWN_DESTINATION_HANDLE);
        assertThat(IoError.fromCode(run(Instruction.of(Opcode.LOAD_MISS, lane.ingestHandle(), 0, 0, 1, lane.ingestHandle()))
            .detail())).as("a buffer is not a readable file").isEqualTo(IoError.NO_READ_RIGHT);
        rt.releaseHandle(handle);
        assertThat(IoError.fromCode(run(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 1, lane.ingestHandle())).detail()))
            .as("released handles are gone").isEqualTo(IoError.UNKNOWN_SOURCE_HANDLE);
    }

    @Test
    void shouldReportAShortReadWhenTheFileWasTruncatedUnderneath() throws IOException {
        Path f = file("shrinks.bin", new byte[10_000]);
        int handle = rt.registerFileForRead(f);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(4_000);
        }
        SlotResult r = run(Instruction.of(Opcode.LOAD_MISS, handle, 2_000, 0, 5_000, rt.lanes().get(0).ingestHandle()));
        assertThat(r.error()).isEqualTo(SlotError.SHORT_READ);
        assertThat(r.detail()).as("bytes that were read").isEqualTo(2_000);
        assertThat(rt.capabilities().lastError(handle)).contains("shrinks.bin").contains("truncated");
    }

    @Test
    void shouldReportAFileDeletedBeforeThePumpOpenedIt() throws IOException {
        Assumptions.assumeTrue(rt.callerReads() == null, "this runtime's workers read through the registration's descriptor");
        // The pump opens a registered file by its path on its next turn, so a file deleted right after registering
        // is either gone when the pump opens it (the read fails, naming ENOENT) or was opened just before (the read
        // gets its bytes through that descriptor, as documented). Both are right; the first must be seen, and it is
        // nearly always the first try's outcome (an idle pump parks longer than the delete takes).
        int failed = 0;
        for (int attempt = 0; attempt < 20 && failed == 0; attempt++) {
            if (!readDeletedFile(attempt)) {
                failed++;
            }
        }
        assertThat(failed).as("a read of a file deleted before the pump opened it failed").isEqualTo(1);
        assertThat(run(Instruction.of(Opcode.NOP)).ok()).as("the kernel keeps serving").isTrue();
    }

    @Test
    void shouldReadAFileDeletedAfterItsRegistrationThroughTheRegistrationsDescriptor() throws IOException {
        Assumptions.assumeTrue(rt.callerReads() != null, "only pumps read here, by the path they open");
        // a worker reads through the descriptor the file was held open by at its registration, not by its path
        long before = rt.callerReads().readsDone();
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(readDeletedFile(attempt)).as("attempt %d read the deleted file", attempt).isTrue();
        }
        assertThat(rt.callerReads().readsDone() - before).as("each by its worker").isEqualTo(5);
    }

    /** Registers a file, deletes it, reads 10 bytes of it: whether the read got them (else it failed on ENOENT). */
    private boolean readDeletedFile(int attempt) throws IOException {
        byte[] content = new byte[100];
        java.util.Arrays.fill(content, (byte) ('a' + attempt));
        Path f = file("gone-" + attempt + ".bin", content);
        int handle = rt.registerFileForRead(f);
        Files.delete(f);
        SlotResult r = run(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 10, rt.lanes().get(0).ingestHandle()));
        if (r.ok()) {
            byte[] got = new byte[10];
            rt.lanes().get(0).ingest().buffer().getBytes(0, got);
            assertThat(got).as("read through a descriptor opened before the delete").isEqualTo(
                java.util.Arrays.copyOf(content, 10));
            return true;
        }
        assertThat(r.error()).isEqualTo(SlotError.IO_ERROR);
        assertThat(IoError.fromCode(r.detail())).isEqualTo(IoError.IO_FAILURE);
        assertThat(rt.capabilities().lastError(handle)).contains("gone-" + attempt + ".bin").contains("ENOENT");
        return false;
    }

    @Test
    void shouldCopyBetweenIngestBuffersWithinBounds() {
        Lane a = rt.lanes().get(0);
        Lane b = rt.lanes().get(1);
        a.ingest().buffer().putBytes(100, "hello".getBytes(US_ASCII));
        assertThat(run(Instruction.of(Opcode.MEMCPY, b.ingestHandle(), 7, a.ingestHandle(), 100, 5)).result()).isEqualTo(5);
        byte[] got = new byte[5];
        b.ingest().buffer().getBytes(7, got);
        assertThat(new String(got, US_ASCII)).isEqualTo("hello");
        SlotResult oob = run(Instruction.of(Opcode.MEMCPY, b.ingestHandle(), (1 << 16) - 2, a.ingestHandle(), 0, 5));
        assertThat(oob.error()).isEqualTo(SlotError.OUT_OF_BOUNDS);
        assertThat(oob.detail()).isEqualTo((1 << 16) + 3);
        assertThat(run(Instruction.of(Opcode.MEMCPY, 999, 0, a.ingestHandle(), 0, 1)).error())
            .isEqualTo(SlotError.UNKNOWN_HANDLE);
    }

    // ---- data-parallel ops ---------------------------------------------------------------------------------

    @Test
    void shouldStepTheCompiledAutomaton() {
        LoadedProgram p = rt.load(StandardPrograms.scan(List.of("abc".getBytes(US_ASCII), "bc".getBytes(US_ASCII)), false));
        int dfaHandle = p.constantHandle(0);
        AhoCorasickDfa dfa = p.constant(0).dfa();
        int state = 0;
        for (byte b : "xabc".getBytes(US_ASCII)) {
            SlotResult step = run(Instruction.of(Opcode.DFA_STEP, dfaHandle, state, b & 0xFF));
            int expected = dfa.step(state, b);
            assertThat(step.result()).isEqualTo(expected & AhoCorasickDfa.STATE_MASK);
            assertThat(step.detail()).isEqualTo(expected < 0 ? 1 : 0);
            state = step.result();
        }
        assertThat(run(Instruction.of(Opcode.DFA_STEP, dfaHandle, state, 'q')).detail()).isZero();
        assertThat(run(Instruction.of(Opcode.DFA_STEP, dfaHandle, 1 << 20, 'q')).error()).isEqualTo(SlotError.BAD_OPERAND);
        assertThat(run(Instruction.of(Opcode.DFA_STEP, 777, 0, 'q')).error()).isEqualTo(SlotError.UNKNOWN_HANDLE);
    }

    @Test
    void shouldScanAFileRangeAndKeepMatchesStartingBeforeTheLimit() throws IOException {
        String text = "xxfoobarfoo..foofoo";
        int handle = rt.registerFileForRead(file("scan.txt", text.getBytes(US_ASCII)));
        List<byte[]> patterns = List.of("foo".getBytes(US_ASCII), "oof".getBytes(US_ASCII), "bar".getBytes(US_ASCII));
        LoadedProgram scan = rt.load(StandardPrograms.scan(patterns, false));
        Lane lane = rt.lanes().get(2);
        lane.output().reset();
        SlotResult r = call(scan, handle, 0, 0, text.length(), lane.ingestHandle(), 14, lane.output().handle());
        assertThat(r.ok()).as(r.describe()).isTrue();
        List<NaiveScan.Match> got = new ArrayList<>();
        assertThat(lane.output().forEachMatch((off, id) -> got.add(new NaiveScan.Match(off, id)))).isEqualTo(r.result());
        List<NaiveScan.Match> expected = new ArrayList<>(NaiveScan.find(text.getBytes(US_ASCII), patterns, false));
        expected.removeIf(m -> m.offset() >= 14);
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(expected).contains(new NaiveScan.Match(13, 0), new NaiveScan.Match(14 - 1, 0));
    }

    @Test
    void shouldMatchLiteralsOfAnyByteIncludingALeadingNul() throws IOException {
        Random rnd = new Random(5);
        byte[] alphabet = {0, 'a', (byte) 0xFF, (byte) 0x80};
        byte[] data = new byte[20_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        List<byte[]> patterns = List.of(new byte[] {0, 'a'}, new byte[] {(byte) 0xFF, 0}, new byte[] {'a', (byte) 0x80, 'a'},
            new byte[] {(byte) 0x80});
        assertThat(scanWholeFile("bytes.bin", data, patterns, true)).isEqualTo(NaiveScan.find(data, patterns, true));
    }

    /** Scans all of {@code data} (as a file) with one scan program on lane 0; the matches sorted. */
    private List<NaiveScan.Match> scanWholeFile(String name, byte[] data, List<byte[]> patterns, boolean ignoreCase)
        throws IOException {
        int handle = rt.registerFileForRead(file(name, data));
        LoadedProgram scan = rt.load(StandardPrograms.scan(patterns, ignoreCase));
        Lane lane = rt.lanes().get(0);
        lane.output().reset();
        SlotResult r = call(scan, handle, 0, 0, data.length, lane.ingestHandle(), StandardPrograms.NO_LIMIT,
            lane.output().handle());
        assertThat(r.ok()).as(r.describe()).isTrue();
        List<NaiveScan.Match> got = new ArrayList<>();
        lane.output().forEachMatch((off, id) -> got.add(new NaiveScan.Match(off, id)));
        got.sort(null);
        rt.unload(scan);
        return got;
    }

    @Test
    void shouldMatchIgnoringAsciiCase() throws IOException {
        String text = "Foo FOO fOo foO";
        int handle = rt.registerFileForRead(file("case.txt", text.getBytes(US_ASCII)));
        LoadedProgram scan = rt.load(StandardPrograms.scan(List.of("foo".getBytes(US_ASCII)), true));
        Lane lane = rt.lanes().get(0);
        lane.output().reset();
        SlotResult r = call(scan, handle, 0, 0, text.length(), lane.ingestHandle(), StandardPrograms.NO_LIMIT,
            lane.output().handle());
        assertThat(r.result()).isEqualTo(4);
    }

    @Test
    void shouldFailAMatchThatOverflowsTheOutputAndKeepServing() throws IOException {
        byte[] as = new byte[20_000];
        java.util.Arrays.fill(as, (byte) 'a');
        int handle = rt.registerFileForRead(file("as.bin", as));
        LoadedProgram scan = rt.load(StandardPrograms.scan(List.of("a".getBytes(US_ASCII)), false));
        Lane lane = rt.lanes().get(0);
        lane.output().reset();
        SlotResult r = call(scan, handle, 0, 0, as.length, lane.ingestHandle(), StandardPrograms.NO_LIMIT,
            lane.output().handle());
        assertThat(r.error()).isEqualTo(SlotError.OUTPUT_OVERFLOW);
        assertThat(r.failedOpIndex()).isEqualTo(2);
        assertThat(r.detail()).as("words needed").isEqualTo(40_000);
        lane.output().reset();
        assertThat(call(scan, handle, 0, 0, 8000, lane.ingestHandle(), StandardPrograms.NO_LIMIT,
            lane.output().handle()).result()).isEqualTo(8000);
    }

    private static final String LINES = "alpha ERROR one\nbeta ok\n\ngamma ERROR two\ndelta";

    private List<String> emittedLines(Lane lane) {
        List<String> lines = new ArrayList<>();
        lane.output().forEachRecord((off, len, value) -> {
            byte[] b = new byte[len];
            lane.ingest().buffer().getBytes(off, b);
            lines.add(new String(b, US_ASCII) + "|" + value);
        });
        return lines;
    }

    @Test
    void shouldFrameFilterAndEmitLines() throws IOException {
        int handle = rt.registerFileForRead(file("lines.txt", LINES.getBytes(US_ASCII)));
        Expr errors = Expr.builder().record(0).test(ExprOp.CONTAINS, 1, 0, "ERROR".getBytes(US_ASCII)).ret(1).build();
        LoadedProgram all = rt.load(StandardPrograms.lines(null, StandardPrograms.FINAL));
        LoadedProgram filtered = rt.load(StandardPrograms.lines(errors, StandardPrograms.FINAL));
        Lane lane = rt.lanes().get(0);
        lane.output().reset();
        assertThat(call(all, handle, 0, 0, LINES.length(), lane.ingestHandle(), LINES.length(), lane.output().handle())
            .result()).isEqualTo(5);
        assertThat(emittedLines(lane)).containsExactly("alpha ERROR one|0", "beta ok|0", "|0", "gamma ERROR two|0", "delta|0");
        lane.output().reset();
        call(filtered, handle, 0, 0, LINES.length(), lane.ingestHandle(), LINES.length(), lane.output().handle());
        assertThat(emittedLines(lane)).containsExactly("alpha ERROR one|0", "gamma ERROR two|0");
    }

    @Test
    void shouldLeaveTheFirstPartialLineToThePreviousRangeAndFailAnIncompleteLastOne() throws IOException {
        int handle = rt.registerFileForRead(file("lines.txt", LINES.getBytes(US_ASCII)));
        LoadedProgram inside = rt.load(StandardPrograms.lines(null, StandardPrograms.STARTS_INSIDE_RECORD));
        Lane lane = rt.lanes().get(0);
        lane.output().reset();
        // bytes 3.. start inside "alpha ERROR one"; own = 22 keeps lines starting before byte 25 of the file:
        // "beta ok" (16) and the empty line (24), not "gamma ERROR two" (25)
        SlotResult r = call(inside, handle, 3, 0, 30, lane.ingestHandle(), 22, lane.output().handle());
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(emittedLines(lane)).containsExactly("beta ok|0", "|0");
        assertThat(r.detail()).as("framing stopped at gamma, the first line past own").isEqualTo(22);
        lane.output().reset();
        SlotResult incomplete = call(inside, handle, 3, 0, 30, lane.ingestHandle(), 30, lane.output().handle());
        assertThat(incomplete.error()).isEqualTo(SlotError.RECORD_INCOMPLETE);
        assertThat(incomplete.detail()).as("offset of the line that runs past the input").isEqualTo(22);
    }

    @Test
    void shouldLeaveAnUnterminatedLineForLaterWhenTailing() throws IOException {
        String growing = "one\ntwo\nthr";
        int handle = rt.registerFileForRead(file("growing.txt", growing.getBytes(US_ASCII)));
        LoadedProgram tail = rt.load(StandardPrograms.lines(null, StandardPrograms.TAIL));
        Lane lane = rt.lanes().get(0);
        lane.output().reset();
        SlotResult r = call(tail, handle, 0, 0, growing.length(), lane.ingestHandle(), StandardPrograms.NO_LIMIT,
            lane.output().handle());
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(emittedLines(lane)).containsExactly("one|0", "two|0");
        assertThat(r.detail()).as("the next read starts at the unterminated line").isEqualTo(8);
        LoadedProgram last = rt.load(StandardPrograms.lines(null, StandardPrograms.TAIL | StandardPrograms.FINAL));
        lane.output().reset();
        SlotResult end = call(last, handle, 8, 0, 3, lane.ingestHandle(), StandardPrograms.NO_LIMIT, lane.output().handle());
        assertThat(emittedLines(lane)).containsExactly("thr|0");
        assertThat(end.detail()).isEqualTo(3);
    }

    @Test
    void shouldFrameLinesTheHostStagedLeavingAnUnterminatedOneForTheNextInput() {
        Expr errors = Expr.builder().record(0).test(ExprOp.CONTAINS, 1, 0, "ERROR".getBytes(US_ASCII)).ret(1).build();
        LoadedProgram tail = rt.load(StandardPrograms.linesStaged(errors, StandardPrograms.TAIL));
        LoadedProgram last = rt.load(StandardPrograms.linesStaged(null, StandardPrograms.TAIL | StandardPrograms.FINAL));
        Lane lane = rt.lanes().get(2);
        lane.ingest().buffer().putBytes(0, LINES.getBytes(US_ASCII));
        rt.stageInput(lane, LINES.length());
        lane.output().reset();
        SlotResult r = call(tail, lane.ingestHandle(), LINES.length(), lane.output().handle());
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(emittedLines(lane)).containsExactly("alpha ERROR one|0", "gamma ERROR two|0");
        assertThat(r.detail()).as("framing stops at the unterminated last line").isEqualTo(LINES.indexOf("delta"));
        lane.ingest().buffer().putBytes(0, "delta".getBytes(US_ASCII));
        rt.stageInput(lane, 5);
        lane.output().reset();
        SlotResult end = call(last, lane.ingestHandle(), 5, lane.output().handle());
        assertThat(emittedLines(lane)).containsExactly("delta|0");
        assertThat(end.detail()).isEqualTo(5);
    }

    @Test
    void shouldFrameFixedRecordsProjectAndHashThem() throws IOException {
        int handle = rt.registerFileForRead(file("fixed.bin", "aaaabbbbccccdd".getBytes(US_ASCII)));
        Expr length = Expr.builder().record(0).length(1, 0).ret(1).build();
        Vir0Program.Builder b = Vir0Program.builder();
        int len = b.constant(new ExprConstant(length));
        LoadedProgram project = rt.load(b.op(Opcode.LOAD_MISS, r(1), 0, 0, 14, r(5))
            .op(Opcode.FRAME_FIXED, 4, 100, StandardPrograms.FINAL).op(Opcode.PROJECT, len)
            .op(Opcode.EMIT_RECORDS, r(7)).op(Opcode.COUNT).build());
        LoadedProgram hash = rt.load(Vir0Program.builder().op(Opcode.LOAD_MISS, r(1), 0, 0, 14, r(5))
            .op(Opcode.FRAME_FIXED, 4, 100, StandardPrograms.FINAL).op(Opcode.HASH, 0)
            .op(Opcode.EMIT_RECORDS, r(7)).build());
        Lane lane = rt.lanes().get(0);
        lane.output().reset();
        SlotResult counted = call(project, handle, 0, 0, 0, lane.ingestHandle(), 0, lane.output().handle());
        assertThat(counted.result()).as("COUNT: records").isEqualTo(4);
        assertThat(emittedLines(lane)).containsExactly("aaaa|4", "bbbb|4", "cccc|4", "dd|2");
        lane.output().reset();
        call(hash, handle, 0, 0, 0, lane.ingestHandle(), 0, lane.output().handle());
        assertThat(emittedLines(lane)).containsExactly("aaaa|" + fnv1a("aaaa"), "bbbb|" + fnv1a("bbbb"),
            "cccc|" + fnv1a("cccc"), "dd|" + fnv1a("dd"));
    }

    private static int fnv1a(String s) {
        int h = 0x811C9DC5;
        for (byte b : s.getBytes(US_ASCII)) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        return h;
    }

    @Test
    void shouldRedactMatchesAndWriteThemBackThroughTheIoQueue() throws IOException {
        String text = "user=alice password=hunter2 token=hunter2hunter2";
        Lane lane = rt.lanes().get(3);
        lane.ingest().buffer().putBytes(0, text.getBytes(US_ASCII));
        Path out = dir.resolve("redacted.txt");
        int dst = rt.registerFileForWrite(out, 1 << 20);
        LoadedProgram redact = rt.load(StandardPrograms.redact(List.of("hunter2".getBytes(US_ASCII),
            "alice".getBytes(US_ASCII)), false, (byte) '*'));
        SlotResult r = call(redact, lane.ingestHandle(), text.length(), dst, 0, 0);
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.result()).isEqualTo(text.length());
        assertThat(Files.readString(out)).isEqualTo("user=***** password=******* token=**************");
        assertThat(rt.pump().stats().bytesWritten()).isGreaterThanOrEqualTo(text.length());
    }

    @Test
    void shouldRejectWritesWithoutTheRightOrPastTheBound() throws IOException {
        Lane lane = rt.lanes().get(0);
        Path out = dir.resolve("bounded.txt");
        int dst = rt.registerFileForWrite(out, 10);
        int readOnly = rt.registerFileForRead(file("ro.txt", new byte[100]));
        LoadedProgram write = rt.load(Vir0Program.builder().op(Opcode.INPUT, r(1), r(2))
            .op(Opcode.WRITE_BACK, r(3), r(4), 0).build());
        SlotResult tooLong = call(write, lane.ingestHandle(), 11, dst, 0);
        assertThat(IoError.fromCode(tooLong.detail())).isEqualTo(IoError.OUT_OF_BOUNDS);
        assertThat(IoError.fromCode(call(write, lane.ingestHandle(), 5, readOnly, 0).detail()))
            .isEqualTo(IoError.UNKNOWN_DESTINATION_HANDLE);
        assertThat(call(write, lane.ingestHandle(), 5, dst, 5).ok()).isTrue();
        SlotResult fence = run(Instruction.of(Opcode.NOP));
        assertThat(fence.ok()).isTrue();
        assertThat(Files.size(out)).isEqualTo(10);
    }

    @Test
    void shouldSyncWrittenFilesOnAProgramFence() throws IOException {
        Lane lane = rt.lanes().get(0);
        lane.ingest().buffer().putBytes(0, "durable".getBytes(US_ASCII));
        Path out = dir.resolve("durable.txt");
        int dst = rt.registerFileForWrite(out, 100);
        LoadedProgram write = rt.load(Vir0Program.builder().op(Opcode.INPUT, r(1), r(2))
            .op(Opcode.WRITE_BACK, r(3), 0, 0).op(Opcode.BATCH_FENCE).build());
        long fences = rt.pump().stats().fences();
        assertThat(call(write, lane.ingestHandle(), 7, dst).ok()).isTrue();
        assertThat(rt.pump().stats().fences()).isEqualTo(fences + 1);
        assertThat(Files.readString(out)).isEqualTo("durable");
    }

    @Test
    void shouldMatchTheNaiveScanOnRandomDataAcrossRandomRanges() throws IOException {
        Random rnd = new Random(42);
        byte[] data = letters(rnd, 50_000, 4);
        List<byte[]> patterns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            patterns.add(letters(rnd, 1 + rnd.nextInt(6), 4));
        }
        int handle = rt.registerFileForRead(file("random.bin", data));
        LoadedProgram scan = rt.load(StandardPrograms.scan(patterns, false));
        int maxLen = patterns.stream().mapToInt(p -> p.length).max().orElseThrow();
        List<NaiveScan.Match> got = new ArrayList<>();
        Lane lane = rt.lanes().get(0);
        for (int start = 0; start < data.length; ) {
            int chunk = 1 + rnd.nextInt(3000);
            int own = Math.min(chunk, data.length - start);
            int read = Math.min(own + maxLen - 1, data.length - start);
            lane.output().reset();
            SlotResult r = call(scan, handle, start, 0, read, lane.ingestHandle(), own, lane.output().handle());
            assertThat(r.ok()).as(r.describe()).isTrue();
            int base = start;
            lane.output().forEachMatch((off, id) -> got.add(new NaiveScan.Match(base + off, id)));
            start += own;
        }
        got.sort(null);
        assertThat(got).isEqualTo(NaiveScan.find(data, patterns, false));
    }

    @Test
    void shouldScanBytesTheHostStagedInAnIngestBuffer() {
        Random rnd = new Random(43);
        byte[] data = letters(rnd, 6_000, 4);
        List<byte[]> patterns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            patterns.add(letters(rnd, 2 + rnd.nextInt(5), 4));
        }
        LoadedProgram staged = rt.load(StandardPrograms.scanStaged(patterns, false));
        Lane lane = rt.lanes().get(1);
        lane.ingest().buffer().putBytes(0, data);
        rt.stageInput(lane, data.length);
        lane.output().reset();
        SlotResult r = call(staged, lane.ingestHandle(), data.length, lane.output().handle());
        assertThat(r.ok()).as(r.describe()).isTrue();
        List<NaiveScan.Match> got = new ArrayList<>();
        lane.output().forEachMatch((off, id) -> got.add(new NaiveScan.Match(off, id)));
        got.sort(null);
        assertThat(got).isEqualTo(NaiveScan.find(data, patterns, false));
    }

    /** Whether this variant runs the million-pattern set (a minute of Vectorscan compiling on a small machine). */
    protected boolean coversMillionPatternSets() {
        return true;
    }

    @Test
    void shouldMatchAMillionPatternsInOneSet() throws IOException {
        Assumptions.assumeTrue(coversMillionPatternSets(), "the same MATCH engine runs it in another variant");
        // Threat-intelligence lists run to a million indicators: 1,000,000 distinct patterns of 11 to 13 letters
        // of a 4-letter alphabet (a dense trie, so the input matches thousands of them), ids past 65,535 included.
        Random rnd = new Random(1_000_000);
        Map<String, Integer> ids = new HashMap<>();
        List<byte[]> patterns = new ArrayList<>(1_000_000);
        while (patterns.size() < 1_000_000) {
            byte[] p = letters(rnd, 11 + rnd.nextInt(3), 4);
            if (ids.putIfAbsent(new String(p, US_ASCII), patterns.size()) == null) {
                patterns.add(p);
            }
        }
        byte[] data = letters(rnd, 1 << 15, 4);  // about 3,500 matches, within the output region
        List<NaiveScan.Match> expected = new ArrayList<>();
        for (int start = 0; start < data.length; start++) {
            for (int length = 11; length <= 13 && start + length <= data.length; length++) {
                Integer id = ids.get(new String(data, start, length, US_ASCII));
                if (id != null) {
                    expected.add(new NaiveScan.Match(start, id));
                }
            }
        }
        expected.sort(null);
        assertThat(expected).hasSizeGreaterThan(1000).anyMatch(m -> m.patternId() > 65_535);
        assertThat(scanWholeFile("million.txt", data, patterns, false)).isEqualTo(expected);
    }

    // ---- shared words under load: IO slots, output cursors, host-written counts ------------------------------

    /** READs served so far: by the pumps, and by kernel workers reading for themselves. */
    private long readsServed() {
        long reads = rt.pumps().stream().mapToLong(p -> p.stats().reads()).sum();
        return reads + (rt.callerReads() == null ? 0 : rt.callerReads().readsDone());
    }

    /** A runtime of this backend with as many workers as it can run, so IO requests outnumber IO slots. */
    protected VyreRuntimeContext manyWorkers(VyreRuntimeContext c) {
        return c.cpuWorkers(128).gpuBlocks(0);
    }

    @Test
    void shouldCompleteEveryIoRequestOnceWithItsOwnBytesWhenRequestsOutnumberIoSlots() throws IOException {
        rt.close();
        int requests = 500;
        rt = VyreRuntime.open(manyWorkers(context()).ringCapacity(512).lanes(requests).ingestBufferBytes(4096)
            .outputRegionWords(16).ioQueueSlots(8)
            .kernelLimits(new KernelLimits(1 << 10, 1 << 10, Duration.ofSeconds(20).toNanos())));
        Random rnd = new Random(500);
        byte[] content = new byte[1 << 20];
        rnd.nextBytes(content);
        int handle = rt.registerFileForRead(file("many.bin", content));
        long readsBefore = readsServed();
        long[] seqs = new long[requests];
        int[] offsets = new int[requests];
        int[] sizes = new int[requests];
        for (int i = 0; i < requests; i++) {
            sizes[i] = 1 + rnd.nextInt(4096);
            offsets[i] = rnd.nextInt(content.length - sizes[i]);
            seqs[i] = rt.publish(Instruction.of(Opcode.LOAD_MISS, handle, offsets[i], 0, sizes[i],
                rt.lanes().get(i).ingestHandle()));
        }
        for (int i = 0; i < requests; i++) {
            SlotResult r = rt.await(seqs[i], WAIT);
            assertThat(r.ok()).as("request %d: %s", i, r.describe()).isTrue();
            assertThat(r.result()).isEqualTo(sizes[i]);
            byte[] got = new byte[sizes[i]];
            rt.lanes().get(i).ingest().buffer().getBytes(0, got);
            assertThat(got).as("request %d's own bytes", i)
                .isEqualTo(java.util.Arrays.copyOfRange(content, offsets[i], offsets[i] + sizes[i]));
        }
        assertThat(readsServed() - readsBefore).as("each request read exactly once").isEqualTo(requests);
    }

    @Test
    void shouldNeverDeliverAReadTheKernelGaveUpOnIntoALaneReusedSince() throws Exception {
        rt.close();
        rt = VyreRuntime.open(context().serveIoQueue(false).lanes(2)
            .kernelLimits(new KernelLimits(1 << 10, 1 << 10, Duration.ofMillis(300).toNanos())));
        HostIoServer host = new HostIoServer(rt);
        int handle = rt.registerFileForRead(file("late.bin", new byte[100]));
        Lane first = rt.acquireLane();
        Lane second = rt.acquireLane();
        SlotResult abandoned = run(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 100, first.ingestHandle()));
        assertThat(abandoned.error()).as("nobody answered within the IO wait").isEqualTo(SlotError.IO_ERROR);
        assertThat(abandoned.detail()).as("timeout").isZero();
        rt.releaseLane(first);
        assertThatThrownBy(() -> rt.acquireLane(Duration.ofMillis(100))).isInstanceOf(VyreRuntimeException.class)
            .hasMessageContaining("held back");

        IoRequest late = host.claimOne(WAIT);
        byte[] stale = new byte[100];
        java.util.Arrays.fill(stale, (byte) 'X');
        host.completeRead(late, stale);
        assertThat(rt.acquireLane(WAIT)).as("the lane comes back once the late bytes landed").isSameAs(first);

        long seq = rt.publish(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 5, first.ingestHandle()));
        IoRequest fresh = host.claimOne(WAIT);
        assertThat(fresh.byteCount()).isEqualTo(5);
        host.completeRead(fresh, "fresh".getBytes(US_ASCII));
        SlotResult r = rt.await(seq, WAIT);
        assertThat(r.ok()).as(r.describe()).isTrue();
        byte[] got = new byte[5];
        first.ingest().buffer().getBytes(0, got);
        assertThat(new String(got, US_ASCII)).isEqualTo("fresh");
        rt.releaseLane(second);
    }

    @Test
    void shouldFailACompletionThatClaimsOtherBytesThanAskedAndKeepServing() throws Exception {
        rt.close();
        rt = VyreRuntime.open(context().serveIoQueue(false));
        HostIoServer host = new HostIoServer(rt);
        int handle = rt.registerFileForRead(file("liar.bin", new byte[100]));
        int lane = rt.lanes().get(0).ingestHandle();

        long tooMany = rt.publish(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 100, lane));
        IoRequest request = host.claimOne(WAIT);
        host.complete(request, IoCompletion.ok(request, 1 << 20));
        SlotResult r = rt.await(tooMany, WAIT);
        assertThat(r.error()).isEqualTo(SlotError.BAD_COMPLETION);
        assertThat(r.detail()).as("the count the host claimed").isEqualTo(1 << 20);

        long shortButLong = rt.publish(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 100, lane));
        IoRequest second = host.claimOne(WAIT);
        host.fail(second, IoError.SHORT_READ, 150);
        assertThat(rt.await(shortButLong, WAIT).error()).as("a short read longer than asked")
            .isEqualTo(SlotError.BAD_COMPLETION);

        long honest = rt.publish(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 3, lane));
        host.completeRead(host.claimOne(WAIT), "abc".getBytes(US_ASCII));
        assertThat(rt.await(honest, WAIT).result()).isEqualTo(3);
    }

    @Test
    void shouldRunTheHighestPriorityWaitingSlotFirst() throws Exception {
        rt.close();
        rt = VyreRuntime.open(context().serveIoQueue(false).lanes(32));
        HostIoServer host = new HostIoServer(rt);
        int workers = rt.control().workers();
        assertThat(workers).isBetween(1, 31);
        int handle = rt.registerFileForRead(file("block.bin", new byte[10]));
        List<Long> blockers = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            blockers.add(rt.publish(Instruction.of(Opcode.LOAD_MISS, handle, 0, 0, 10, rt.lanes().get(i).ingestHandle())));
        }
        List<IoRequest> held = new ArrayList<>(host.claim(workers, WAIT));
        LoadedProgram bump = rt.load(Vir0Program.builder().op(Opcode.ATOMIC_ADD, observable(0), 1).build());
        long low = rt.publishCall(bump, 0, 0);
        long middle = rt.publishCall(bump, 0, 2);
        long high = rt.publishCall(bump, 0, WorkRingDescriptor.PRIORITY_LEVELS - 1);
        host.completeOk(held.remove(0));
        assertThat(rt.await(high, WAIT).result()).as("the highest priority runs first").isZero();
        assertThat(rt.await(middle, WAIT).result()).isEqualTo(1);
        assertThat(rt.await(low, WAIT).result()).isEqualTo(2);
        for (IoRequest r : held) {
            host.completeOk(r);
        }
        for (long seq : blockers) {
            assertThat(rt.await(seq, WAIT).ok()).isTrue();
        }
    }

    @Test
    void shouldKeepEveryEntryWhenManySlotsEmitIntoOneRegion() throws IOException {
        byte[] data = letters(new Random(3), 60_000, 3);
        int handle = rt.registerFileForRead(file("shared.bin", data));
        List<byte[]> patterns = List.of("ab".getBytes(US_ASCII), "cab".getBytes(US_ASCII));
        LoadedProgram scan = rt.load(StandardPrograms.scan(patterns, false));
        Lane shared = rt.lanes().get(3);
        shared.output().reset();
        int slices = 9;
        int slice = 4_000;
        long emitted = 0;
        for (int round = 0; round < slices / 3; round++) {
            // three slots in flight at once, each reading into its own lane, all emitting into lane 3's region
            long[] seqs = new long[3];
            for (int k = 0; k < 3; k++) {
                int i = round * 3 + k;
                seqs[k] = rt.publishCall(scan, 0, 0, handle, i * slice, 0, slice, rt.lanes().get(k).ingestHandle(),
                    StandardPrograms.NO_LIMIT, shared.output().handle());
            }
            for (long seq : seqs) {
                SlotResult r = rt.await(seq, WAIT);
                assertThat(r.ok()).as(r.describe()).isTrue();
                emitted += r.result();
            }
        }
        assertThat(shared.output().cursorWords()).as("every slot's entries counted").isEqualTo(2 * emitted);
        long expected = 0;
        for (int i = 0; i < slices; i++) {
            expected += NaiveScan.find(java.util.Arrays.copyOfRange(data, i * slice, (i + 1) * slice), patterns, false)
                .size();
        }
        assertThat(emitted).isEqualTo(expected);
    }

    @Test
    void shouldNotCountWordsItCouldNotWriteWhenTheRegionOverflows() throws IOException {
        rt.close();
        rt = VyreRuntime.open(context().outputRegionWords(16));
        int handle = rt.registerFileForRead(file("eight.txt", "aaaaaaaa".getBytes(US_ASCII)));
        LoadedProgram scan = rt.load(StandardPrograms.scan(List.of("a".getBytes(US_ASCII)), false));
        Lane lane = rt.lanes().get(0);
        lane.output().reset();
        SlotResult fits = call(scan, handle, 0, 0, 6, lane.ingestHandle(), StandardPrograms.NO_LIMIT,
            lane.output().handle());
        assertThat(fits.result()).isEqualTo(6);
        assertThat(lane.output().cursorWords()).isEqualTo(12);
        SlotResult overflow = call(scan, handle, 0, 0, 3, lane.ingestHandle(), StandardPrograms.NO_LIMIT,
            lane.output().handle());
        assertThat(overflow.error()).isEqualTo(SlotError.OUTPUT_OVERFLOW);
        assertThat(overflow.detail()).as("words the region would need").isEqualTo(18);
        assertThat(lane.output().cursorWords()).as("the cursor stays at what was written").isEqualTo(12);
        List<Integer> offsets = new ArrayList<>();
        assertThat(lane.output().forEachMatch((off, id) -> offsets.add(off))).isEqualTo(6);
        assertThat(offsets).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        lane.output().reset();
        assertThat(lane.output().cursorWords()).as("a reset empties it").isZero();
        assertThat(call(scan, handle, 0, 0, 8, lane.ingestHandle(), StandardPrograms.NO_LIMIT,
            lane.output().handle()).result()).isEqualTo(8);
    }

    // ---- the same semantics on every backend ------------------------------------------------------------------

    @Test
    void shouldRefuseABufferHandleOnceItIsReleased() {
        Lane lane = rt.lanes().get(2);
        Lane other = rt.lanes().get(1);
        assertThat(run(Instruction.of(Opcode.MEMCPY, other.ingestHandle(), 0, lane.ingestHandle(), 0, 4)).ok()).isTrue();
        rt.releaseHandle(lane.ingestHandle());
        SlotResult copy = run(Instruction.of(Opcode.MEMCPY, other.ingestHandle(), 0, lane.ingestHandle(), 0, 4));
        assertThat(copy.error()).isEqualTo(SlotError.UNKNOWN_HANDLE);
        assertThat(copy.detail()).isEqualTo(lane.ingestHandle());
        LoadedProgram input = rt.load(Vir0Program.builder().op(Opcode.INPUT, r(1), 4).op(Opcode.COUNT).build());
        assertThat(call(input, lane.ingestHandle()).error()).isEqualTo(SlotError.UNKNOWN_HANDLE);
        assertThat(call(input, other.ingestHandle()).ok()).isTrue();
    }

    @Test
    void shouldAdvanceTheEpochWithEveryPublishedBatch() {
        int before = rt.control().epoch();
        for (int i = 0; i < 3; i++) {
            assertThat(run(Instruction.of(Opcode.NOP)).ok()).isTrue();
        }
        assertThat(rt.control().epoch() - before).isEqualTo(3);
    }

    @Test
    void shouldLetTheKernelSeeObservableWordsTheHostWrote() {
        rt.control().setObservable(7, 1234);
        assertThat(run(Instruction.of(Opcode.LOAD_U32, observable(7))).result()).isEqualTo(1234);
        assertThat(run(Instruction.of(Opcode.ATOMIC_ADD, observable(7), 1)).result()).isEqualTo(1234);
        assertThat(rt.control().observable(7)).isEqualTo(1235);
        rt.control().setObservable(7, 5);
        assertThat(run(Instruction.of(Opcode.COMPARE_SWAP, observable(7), 5, 6)).detail()).as("swapped").isEqualTo(1);
        assertThat(rt.control().observable(7)).isEqualTo(6);
    }

    @Test
    void shouldScanAnInputOfManyTilesLikeTheNaiveScan() throws IOException {
        rt.close();
        int size = (7 << 20) / 2;  // three and a half 1 MiB tiles: several blocks share one MATCH on CUDA
        rt = VyreRuntime.open(context().lanes(1).ingestBufferBytes(4 << 20).outputRegionWords(1 << 21));
        Random rnd = new Random(11);
        byte[] data = letters(rnd, size, 8);
        List<byte[]> patterns = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            patterns.add(letters(rnd, 4 + rnd.nextInt(5), 8));
        }
        int handle = rt.registerFileForRead(file("tiles.bin", data));
        LoadedProgram scan = rt.load(StandardPrograms.scan(patterns, false));
        Lane lane = rt.lanes().get(0);
        lane.output().reset();
        int limit = size - 1000;
        SlotResult r = call(scan, handle, 0, 0, size, lane.ingestHandle(), limit, lane.output().handle());
        assertThat(r.ok()).as(r.describe()).isTrue();
        List<NaiveScan.Match> got = new ArrayList<>();
        lane.output().forEachMatch((off, id) -> got.add(new NaiveScan.Match(off, id)));
        got.sort(null);
        List<NaiveScan.Match> expected = new ArrayList<>(NaiveScan.find(data, patterns, false));
        expected.removeIf(m -> m.offset() >= limit);
        assertThat(got).hasSameSizeAs(expected).isEqualTo(expected);
    }

    @Test
    void shouldReadInputTheHostStagedAndInputItDidNot() {
        Lane lane = rt.lanes().get(1);
        LoadedProgram count = rt.load(Vir0Program.builder().op(Opcode.INPUT, r(1), r(2))
            .op(Opcode.FRAME_DELIM, (int) '\n', StandardPrograms.NO_LIMIT, StandardPrograms.FINAL).op(Opcode.COUNT).build());
        lane.ingest().buffer().putBytes(0, "a\nb\nc\n".getBytes(US_ASCII));
        rt.stageInput(lane, 6);
        assertThat(call(count, lane.ingestHandle(), 6).result()).as("three staged lines").isEqualTo(3);
        lane.ingest().buffer().putBytes(0, "x\ny\n".getBytes(US_ASCII));
        assertThat(call(count, lane.ingestHandle(), 4).result()).as("two lines written, not staged").isEqualTo(2);
        assertThatThrownBy(() -> rt.stageInput(lane, (1 << 16) + 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("do not fit");
    }

    // ---- helpers shared with subclasses --------------------------------------------------------------------

    /** {@code length} random letters from the first {@code alphabet} of 'a'..'z'. */
    protected static byte[] letters(Random rnd, int length, int alphabet) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + rnd.nextInt(alphabet));
        }
        return bytes;
    }

    protected static PatternsConstant patterns(String... ps) {
        List<byte[]> list = new ArrayList<>();
        for (String p : ps) {
            list.add(p.getBytes(US_ASCII));
        }
        return new PatternsConstant(list, false);
    }
}
