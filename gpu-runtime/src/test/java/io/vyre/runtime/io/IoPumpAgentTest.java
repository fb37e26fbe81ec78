package io.vyre.runtime.io;

import static io.vyre.runtime.protocol.IoQueueDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.memory.NativeBuffer;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.MegakernelIoQueue;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pump driven on the test's thread with an {@link AgentInvoker}; the test posts requests as the
 * kernel would. Runs once per IO path: io_uring (skipped, with the reason, where the kernel refuses it)
 * and the FileChannel fallback.
 */
class IoPumpAgentTest {
    @TempDir
    Path dir;
    private final NativeMemory memory = new NativeMemory(1L << 30);
    private final UnsafeBuffer queueMemory = memory.allocate("q", byteLength(16)).buffer();
    private final MegakernelIoQueue queue = new MegakernelIoQueue(queueMemory, 16);
    private final IoCapabilities caps = new IoCapabilities();
    private AgentInvoker invoker;
    private IoPumpAgent pump;

    private void start(IoPath path) throws InterruptedException {
        if (path == IoPath.IO_URING) {
            String reason = FileIoFactory.ioUringUnavailableReason();
            assumeThat(reason).as("io_uring unavailable here: %s", reason).isNull();
        }
        pump = new IoPumpAgent("pump-test", queue, caps, path, IoCompletionPublisher.into(queue));
        invoker = new AgentInvoker(Throwable::printStackTrace, null, pump);
        invoker.start();
        pump.awaitStarted(5, TimeUnit.SECONDS);
        assertThat(pump.stats().path()).isEqualTo(path);
    }

    @AfterEach
    void tearDown() {
        if (invoker != null) {
            invoker.close();
        }
        memory.close();
    }

    private void post(int slot, int op, int src, int dst, long offset, int count, int tag) {
        queueMemory.putInt(wordOffset(slot, OP_TYPE), op);
        queueMemory.putInt(wordOffset(slot, SRC_HANDLE), src);
        queueMemory.putInt(wordOffset(slot, DST_HANDLE), dst);
        queueMemory.putInt(wordOffset(slot, OFFSET_LO), (int) offset);
        queueMemory.putInt(wordOffset(slot, OFFSET_HI), (int) (offset >>> 32));
        queueMemory.putInt(wordOffset(slot, BYTE_COUNT), count);
        queueMemory.putInt(wordOffset(slot, TAG), tag);
        queueMemory.putIntRelease(wordOffset(slot, STATUS), WorkRingDescriptor.PUBLISHED);
    }

    private int awaitCompletion(int slot) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int s;
        while ((s = queue.status(slot)) != STATUS_OK && s != STATUS_ERROR) {
            invoker.invoke();
            assertThat(System.nanoTime()).as("slot %d completes", slot).isLessThan(deadline);
        }
        return s;
    }

    private int tag(int slot) {
        return queueMemory.getInt(wordOffset(slot, TAG));
    }

    private int bytes(int slot) {
        return queueMemory.getInt(wordOffset(slot, BYTE_COUNT));
    }

    @ParameterizedTest
    @EnumSource(value = IoPath.class, names = {"IO_URING", "FILE_CHANNEL"})
    void shouldReadAtOffsetsPastFourGigabytes(IoPath path) throws Exception {
        start(path);
        Path f = dir.resolve("sparse.bin");
        long far = 5L << 30;
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(far + 100);
            raf.seek(far + 10);
            raf.write("past 4 GiB".getBytes(StandardCharsets.US_ASCII));
        }
        int file = caps.registerFileForRead(f);
        NativeBuffer ingest = memory.allocate("ingest", 4096);
        int buf = caps.registerBuffer(ingest);
        post(3, OP_READ, file, buf, far + 10, 10, 99);
        assertThat(awaitCompletion(3)).isEqualTo(STATUS_OK);
        assertThat(bytes(3)).isEqualTo(10);
        assertThat(tag(3)).isEqualTo(99);
        byte[] got = new byte[10];
        ingest.buffer().getBytes(0, got);
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("past 4 GiB");
        assertThat(pump.stats().bytesRead()).isEqualTo(10);
    }

    @ParameterizedTest
    @EnumSource(value = IoPath.class, names = {"IO_URING", "FILE_CHANNEL"})
    void shouldCompleteAFenceOnlyAfterTheRequestsClaimedBeforeIt(IoPath path) throws Exception {
        start(path);
        byte[] content = new byte[8 << 20];
        Path f = dir.resolve("big.bin");
        Files.write(f, content);
        int file = caps.registerFileForRead(f);
        int buf = caps.registerBuffer(memory.allocate("ingest", 8 << 20));
        post(0, OP_READ, file, buf, 0, 8 << 20, 1);
        post(1, OP_FENCE, 0, 0, 0, 0, 2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.status(1) != STATUS_OK) {
            invoker.invoke();
            if (queue.status(1) == STATUS_OK) {
                break;
            }
            assertThat(System.nanoTime()).isLessThan(deadline);
        }
        assertThat(queue.status(0)).as("the read claimed before the fence").isEqualTo(STATUS_OK);
        assertThat(pump.stats().fences()).isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void shouldOrderAFenceByIssueNotBySlotIndex() throws Exception {
        HeldReadsFileIo disk = new HeldReadsFileIo();
        pump = new IoPumpAgent("pump-test", queue, caps, () -> disk, IoCompletionPublisher.into(queue));
        invoker = new AgentInvoker(Throwable::printStackTrace, null, pump);
        invoker.start();
        pump.awaitStarted(5, TimeUnit.SECONDS);
        Path f = dir.resolve("slow.bin");
        Files.write(f, new byte[4096]);
        int file = caps.registerFileForRead(f);
        int buf = caps.registerBuffer(memory.allocate("ingest", 4096));
        // the kernel took a high slot for the read it issued first, and a lower free slot for the fence after it
        post(9, OP_READ, file, buf, 0, 4096, 1);
        post(2, OP_FENCE, 0, 0, 0, 0, 2);
        for (int i = 0; i < 20; i++) {
            invoker.invoke();
        }
        assertThat(disk.heldReads()).as("the read reached the disk").isEqualTo(1);
        assertThat(queue.status(2)).as("the fence waits for the read issued before it").isEqualTo(WorkRingDescriptor.CLAIMED);
        disk.release();
        assertThat(awaitCompletion(2)).isEqualTo(STATUS_OK);
        assertThat(queue.status(9)).as("the read completed first").isEqualTo(STATUS_OK);
    }

    @org.junit.jupiter.api.Test
    void shouldFailOnlyTheRequestWhoseIoThrowsAndServeTheOthersClaimedWithIt() throws Exception {
        pump = new IoPumpAgent("pump-test", queue, caps, () -> new ThrowingFileIo(777, "unopenable.bin"),
            IoCompletionPublisher.into(queue));
        invoker = new AgentInvoker(Throwable::printStackTrace, null, pump);
        invoker.start();
        pump.awaitStarted(5, TimeUnit.SECONDS);
        byte[] content = new byte[8192];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        int file = caps.registerFileForRead(Files.write(dir.resolve("data.bin"), content));
        int unopenable = caps.registerFileForRead(Files.write(dir.resolve("unopenable.bin"), content));
        NativeBuffer ingest = memory.allocate("ingest", 3 * 4096);
        int buf = caps.registerBuffer(ingest);
        // claimed in one pass: a read the IO layer throws on, reads before and after it, a file it cannot open
        post(0, OP_READ, file, buf, 0, 100, 10);
        post(1, OP_READ, file, buf, 777, 100, 11);
        post(2, OP_READ, file, buf, 1000, 100, 12);
        post(3, OP_READ, unopenable, buf, 0, 100, 13);
        assertThat(awaitCompletion(1)).isEqualTo(STATUS_ERROR);
        assertThat(tag(1)).as("an ERROR slot carries its error code").isEqualTo(IoError.IO_FAILURE.code());
        assertThat(caps.lastError(file)).contains("failed in the IO pump", "injected");
        assertThat(awaitCompletion(0)).isEqualTo(STATUS_OK);
        assertThat(awaitCompletion(2)).isEqualTo(STATUS_OK);
        assertThat(awaitCompletion(3)).isEqualTo(STATUS_ERROR);
        // the pump goes on: the next read of the same files is served
        post(4, OP_READ, file, buf, 4096, 4096, 14);
        assertThat(awaitCompletion(4)).isEqualTo(STATUS_OK);
        byte[] got = new byte[4096];
        ingest.buffer().getBytes(0, got);
        assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(content, 4096, 8192));
        assertThat(pump.inFlight()).isZero();
    }

    private void startOn(HeldReadsFileIo disk, MegakernelIoQueue on) throws InterruptedException {
        pump = new IoPumpAgent("pump-test", on, caps, () -> disk, IoCompletionPublisher.into(on));
        invoker = new AgentInvoker(Throwable::printStackTrace, null, pump);
        invoker.start();
        pump.awaitStarted(5, TimeUnit.SECONDS);
    }

    @org.junit.jupiter.api.Test
    void shouldNotLetAFenceOvertakeAnEarlierFenceWhoseSyncIsStillRunning() throws Exception {
        HeldReadsFileIo disk = new HeldReadsFileIo().holdingSyncs();
        startOn(disk, queue);
        int src = caps.registerBuffer(memory.allocate("out", 4096));
        int dst = caps.registerFileForWrite(dir.resolve("synced.txt"), 1 << 20);
        post(5, OP_WRITE, src, dst, 0, 100, 0);
        assertThat(awaitCompletion(5)).isEqualTo(STATUS_OK);
        post(6, OP_FENCE, 0, 0, 0, 0, 0);
        post(7, OP_FENCE, 0, 0, 0, 0, 0);
        for (int i = 0; i < 20; i++) {
            invoker.invoke();
        }
        assertThat(disk.heldReads()).as("the first fence's sync reached the disk").isEqualTo(1);
        assertThat(queue.status(7)).as("the second fence waits for the first one's sync").isEqualTo(WorkRingDescriptor.CLAIMED);
        disk.release();
        assertThat(awaitCompletion(6)).isEqualTo(STATUS_OK);
        assertThat(awaitCompletion(7)).isEqualTo(STATUS_OK);
    }

    @org.junit.jupiter.api.Test
    void shouldCompleteATenantsFenceWhileAnotherTenantsReadIsSlow() throws Exception {
        MegakernelIoQueue partitioned = new MegakernelIoQueue(queueMemory, 16, 2);
        HeldReadsFileIo disk = new HeldReadsFileIo();
        startOn(disk, partitioned);
        Path f = dir.resolve("slow.bin");
        Files.write(f, new byte[4096]);
        int file = caps.registerFileForRead(f, 0);
        int buf = caps.registerBuffer(memory.allocate("ingest", 4096));
        post(1, OP_READ, file, buf, 0, 4096, 1);   // tenant 0's partition: slots 0..7
        post(9, OP_FENCE, 0, 0, 0, 0, 2);           // tenant 1's partition: slots 8..15
        assertThat(awaitCompletion(9)).as("tenant 1's fence").isEqualTo(STATUS_OK);
        assertThat(disk.heldReads()).as("tenant 0's read is still on the disk").isEqualTo(1);
        assertThat(partitioned.status(1)).isEqualTo(WorkRingDescriptor.CLAIMED);
        disk.release();
        assertThat(awaitCompletion(1)).isEqualTo(STATUS_OK);
    }

    @ParameterizedTest
    @EnumSource(value = IoPath.class, names = {"IO_URING", "FILE_CHANNEL"})
    void shouldWriteAndSyncOnTheNextFence(IoPath path) throws Exception {
        start(path);
        NativeBuffer out = memory.allocate("out", 4096);
        out.buffer().putBytes(0, "written through the queue".getBytes(StandardCharsets.US_ASCII));
        int src = caps.registerBuffer(out);
        Path f = dir.resolve("out.txt");
        int dst = caps.registerFileForWrite(f, 1 << 20);
        post(5, OP_WRITE, src, dst, 3, 25, 0);
        assertThat(awaitCompletion(5)).isEqualTo(STATUS_OK);
        post(6, OP_FENCE, 0, 0, 0, 0, 0);
        assertThat(awaitCompletion(6)).isEqualTo(STATUS_OK);
        assertThat(Files.readAllBytes(f)).hasSize(28);
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.US_ASCII)).endsWith("written through the queue");
    }

    @ParameterizedTest
    @EnumSource(value = IoPath.class, names = {"IO_URING", "FILE_CHANNEL"})
    void shouldCompleteEveryMalformedRequestWithAnError(IoPath path) throws Exception {
        start(path);
        int buf = caps.registerBuffer(memory.allocate("b", 4096));
        post(0, 0x7, 0, 0, 0, 0, 0);
        post(1, OP_READ, 1234, buf, 0, 1, 0);
        post(2, OP_WRITE, buf, 777, 0, 1, 0);
        assertThat(awaitCompletion(0)).isEqualTo(STATUS_ERROR);
        assertThat(IoError.fromCode(tag(0))).isEqualTo(IoError.BAD_REQUEST);
        assertThat(awaitCompletion(1)).isEqualTo(STATUS_ERROR);
        assertThat(IoError.fromCode(tag(1))).isEqualTo(IoError.UNKNOWN_SOURCE_HANDLE);
        assertThat(awaitCompletion(2)).isEqualTo(STATUS_ERROR);
        assertThat(IoError.fromCode(tag(2))).isEqualTo(IoError.UNKNOWN_DESTINATION_HANDLE);
        assertThat(pump.stats().errors()).isEqualTo(3);
        assertThat(pump.inFlight()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = IoPath.class, names = {"IO_URING", "FILE_CHANNEL"})
    void shouldCloseTheFileOfAReleasedHandle(IoPath path) throws Exception {
        start(path);
        Path f = dir.resolve("r.txt");
        Files.writeString(f, "abc");
        int file = caps.registerFileForRead(f);
        int buf = caps.registerBuffer(memory.allocate("b", 4096));
        post(0, OP_READ, file, buf, 0, 3, 0);
        assertThat(awaitCompletion(0)).isEqualTo(STATUS_OK);
        caps.release(file);
        invoker.invoke();
        post(1, OP_READ, file, buf, 0, 3, 0);
        assertThat(awaitCompletion(1)).isEqualTo(STATUS_ERROR);
        assertThat(IoError.fromCode(tag(1))).isEqualTo(IoError.UNKNOWN_SOURCE_HANDLE);
    }

    @ParameterizedTest
    @EnumSource(value = IoPath.class, names = {"IO_URING", "FILE_CHANNEL"})
    void shouldReadWhatAFileGrewByOnlyAfterItsBoundsAreRefreshed(IoPath path) throws Exception {
        start(path);
        Path f = dir.resolve("growing.log");
        Files.writeString(f, "first\n");
        int file = caps.registerFileForRead(f);
        NativeBuffer ingest = memory.allocate("b", 4096);
        int buf = caps.registerBuffer(ingest);
        post(0, OP_READ, file, buf, 0, 6, 0);
        assertThat(awaitCompletion(0)).isEqualTo(STATUS_OK);
        Files.writeString(f, "second\n", java.nio.file.StandardOpenOption.APPEND);
        post(1, OP_READ, file, buf, 6, 7, 0);
        assertThat(awaitCompletion(1)).as("past the bound registered before the file grew").isEqualTo(STATUS_ERROR);
        assertThat(IoError.fromCode(tag(1))).isEqualTo(IoError.OUT_OF_BOUNDS);

        assertThat(caps.refreshFileBounds(file)).isEqualTo(13);
        post(2, OP_READ, file, buf, 6, 7, 0);
        assertThat(awaitCompletion(2)).as("same handle, new bound").isEqualTo(STATUS_OK);
        byte[] got = new byte[7];
        ingest.buffer().getBytes(0, got);
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("second\n");
    }

    @ParameterizedTest
    @EnumSource(value = IoPath.class, names = {"IO_URING", "FILE_CHANNEL"})
    void shouldCompleteAReadInFlightWhenItsHandleIsReleased(IoPath path) throws Exception {
        start(path);
        byte[] content = new byte[8 << 20];
        java.util.Arrays.fill(content, (byte) 7);
        Path f = Files.write(dir.resolve("released-in-flight.bin"), content);
        int file = caps.registerFileForRead(f);
        NativeBuffer ingest = memory.allocate("ingest", 8 << 20);
        int buf = caps.registerBuffer(ingest);
        post(0, OP_READ, file, buf, 0, 8 << 20, 0);
        invoker.invoke();
        caps.release(file);
        assertThat(awaitCompletion(0)).as("posted before the release, so it completes").isEqualTo(STATUS_OK);
        assertThat(ingest.buffer().getByte((8 << 20) - 1)).isEqualTo((byte) 7);
        invoker.invoke();
        post(1, OP_READ, file, buf, 0, 1, 0);
        assertThat(awaitCompletion(1)).isEqualTo(STATUS_ERROR);
        assertThat(IoError.fromCode(tag(1))).isEqualTo(IoError.UNKNOWN_SOURCE_HANDLE);
    }
}
