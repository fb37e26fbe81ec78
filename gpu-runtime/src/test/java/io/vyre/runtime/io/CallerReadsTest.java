package io.vyre.runtime.io;

import static io.vyre.runtime.protocol.IoQueueDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.memory.NativeBuffer;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.MegakernelIoQueue;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's READ served on its own thread: the same checks, completions and errors as the pump's, only files held
 * open since their registration, never seen PUBLISHED by a pump, and fences that wait for it.
 */
class CallerReadsTest {
    @TempDir
    Path dir;
    private final NativeMemory memory = new NativeMemory(1L << 28);
    private final UnsafeBuffer queueMemory = memory.allocate("q", byteLength(16)).buffer();
    private final MegakernelIoQueue queue = new MegakernelIoQueue(queueMemory, 16);
    private final IoCapabilities caps = new IoCapabilities();
    private final CallerReads reads = new CallerReads(queue, caps, IoCompletionPublisher.into(queue));
    private AgentInvoker invoker;

    @AfterEach
    void tearDown() {
        if (invoker != null) {
            invoker.close();
        }
        memory.close();
    }

    /** Posts a request PUBLISHED, for a pump. */
    private void post(int slot, int op, int src, int dst, long offset, int count) {
        write(slot, op, src, dst, offset, count);
        queueMemory.putIntRelease(wordOffset(slot, STATUS), WorkRingDescriptor.PUBLISHED);
    }

    /** Writes a request's words into an EMPTY slot, as a worker does before it serves the request itself. */
    private void write(int slot, int op, int src, int dst, long offset, int count) {
        queueMemory.putInt(wordOffset(slot, OP_TYPE), op);
        queueMemory.putInt(wordOffset(slot, SRC_HANDLE), src);
        queueMemory.putInt(wordOffset(slot, DST_HANDLE), dst);
        queueMemory.putInt(wordOffset(slot, OFFSET_LO), (int) offset);
        queueMemory.putInt(wordOffset(slot, OFFSET_HI), (int) (offset >>> 32));
        queueMemory.putInt(wordOffset(slot, BYTE_COUNT), count);
        queueMemory.putInt(wordOffset(slot, TAG), 77);
    }

    private Path file(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void shouldServeAReadOnTheCallersThreadWithTheRequestedBytes() throws Exception {
        byte[] content = new byte[300_000];
        new Random(3).nextBytes(content);
        int file = caps.registerFileForRead(file("f.bin", content));
        NativeBuffer ingest = memory.allocate("ingest", 1 << 18);
        int buf = caps.registerBuffer(ingest);
        write(5, OP_READ, file, buf, 12_345, 200_000);

        assertThat(reads.canServe(file)).isTrue();
        reads.serve(5);

        assertThat(queue.status(5)).as("completed before serve returned").isEqualTo(STATUS_OK);
        assertThat(queueMemory.getInt(wordOffset(5, BYTE_COUNT))).isEqualTo(200_000);
        assertThat(queueMemory.getInt(wordOffset(5, TAG))).as("the request's tag").isEqualTo(77);
        byte[] got = new byte[200_000];
        ingest.buffer().getBytes(0, got);
        assertThat(got).isEqualTo(Arrays.copyOfRange(content, 12_345, 212_345));
        assertThat(reads.readsDone()).isEqualTo(1);
        assertThat(reads.bytesRead()).isEqualTo(200_000);
        assertThat(reads.errors()).isZero();
    }

    @Test
    void shouldServeOnlyFilesHeldOpenSinceTheirRegistrationAndOnlyInAFreeSlot() throws Exception {
        int file = caps.registerFileForRead(file("f.bin", new byte[4096]));
        int buf = caps.registerBuffer(memory.allocate("ingest", 4096));
        int written = caps.registerFileForWrite(dir.resolve("out.bin"), 4096);

        assertThat(reads.canServe(file)).isTrue();
        assertThat(reads.canServe(written)).as("a file registered for WRITE").isFalse();
        assertThat(reads.canServe(buf)).as("a buffer").isFalse();
        assertThat(reads.canServe(9_999)).as("an unknown handle").isFalse();
        caps.release(file);
        assertThat(reads.canServe(file)).as("a released file").isFalse();

        post(3, OP_READ, file, buf, 0, 100);
        assertThatThrownBy(() -> reads.serve(3)).as("a slot that holds a request")
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("slot 3 is not EMPTY");
        assertThat(queue.status(3)).as("left as it was").isEqualTo(WorkRingDescriptor.PUBLISHED);
        assertThat(reads.readsDone()).isZero();
    }

    @Test
    void shouldLeaveReadsToThePumpsOnAnInterruptedThreadOrAClosedDescriptor() throws Exception {
        int file = caps.registerFileForRead(file("f.bin", new byte[4096]));
        Thread.currentThread().interrupt();
        try {
            assertThat(reads.canServe(file)).as("an interrupted read would close the descriptor for all").isFalse();
        } finally {
            Thread.interrupted();
        }
        assertThat(reads.canServe(file)).isTrue();
        caps.pinned(file).close();
        assertThat(reads.canServe(file)).as("a closed descriptor").isFalse();
    }

    @Test
    void shouldFailAReadWhoseDescriptorWasClosedNamingWhy() throws Exception {
        int file = caps.registerFileForRead(file("closed.bin", new byte[4096]));
        int buf = caps.registerBuffer(memory.allocate("ingest", 4096));
        caps.pinned(file).close();
        write(0, OP_READ, file, buf, 0, 100);

        reads.serve(0);

        assertThat(queue.status(0)).isEqualTo(STATUS_ERROR);
        assertThat(queueMemory.getInt(wordOffset(0, TAG))).isEqualTo(IoError.IO_FAILURE.code());
        assertThat(caps.lastError(file)).contains("closed.bin").contains("descriptor held since its registration was"
            + " closed").contains("register the file again");
    }

    @Test
    void shouldAnswerAReadWhoseCompletionCouldNotBePublishedWithAnError() throws Exception {
        int file = caps.registerFileForRead(file("f.bin", new byte[4096]));
        int buf = caps.registerBuffer(memory.allocate("ingest", 4096));
        int[] calls = {0};
        CallerReads flaky = new CallerReads(queue, caps, (request, completion) -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("the first publication fails");
            }
            queue.complete(completion);
        });
        write(2, OP_READ, file, buf, 0, 100);

        flaky.serve(2);

        assertThat(queue.status(2)).as("answered, so its worker does not wait for its IO limit")
            .isEqualTo(STATUS_ERROR);
        assertThat(queueMemory.getInt(wordOffset(2, TAG))).isEqualTo(IoError.IO_FAILURE.code());
        assertThat(flaky.inFlight()).isZero();
    }

    @Test
    void shouldFailWhatThePumpFailsWithThePumpsErrors() throws Exception {
        Path f = file("shrinking.bin", new byte[10_000]);
        int file = caps.registerFileForRead(f);
        int buf = caps.registerBuffer(memory.allocate("ingest", 8192));

        write(0, OP_READ, file, buf, 9_000, 2_000);
        reads.serve(0);
        assertThat(queue.status(0)).as("past the file's bound").isEqualTo(STATUS_ERROR);
        assertThat(queueMemory.getInt(wordOffset(0, TAG))).isEqualTo(IoError.OUT_OF_BOUNDS.code());

        write(1, OP_READ, file, buf, 0, 9_000);
        reads.serve(1);
        assertThat(queue.status(1)).as("more than the ingest buffer holds").isEqualTo(STATUS_ERROR);
        assertThat(queueMemory.getInt(wordOffset(1, TAG))).isEqualTo(IoError.OUT_OF_BOUNDS.code());

        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(6_000);  // truncated underneath: the handle's bound is still 10,000
        }
        write(2, OP_READ, file, buf, 4_000, 4_000);
        reads.serve(2);
        assertThat(queue.status(2)).isEqualTo(STATUS_ERROR);
        assertThat(queueMemory.getInt(wordOffset(2, TAG))).isEqualTo(IoError.SHORT_READ.code());
        assertThat(queueMemory.getInt(wordOffset(2, BYTE_COUNT))).as("the bytes that were there").isEqualTo(2_000);
        assertThat(caps.lastError(file)).contains("shrinking.bin").contains("ended at byte 6000")
            .contains("truncated underneath");
        assertThat(reads.errors()).isEqualTo(3);
        assertThat(reads.readsDone()).isZero();
    }

    @Test
    void shouldHoldAFenceUntilTheReadsAWorkerServedBeforeItHaveCompletedAndNoLonger() throws Exception {
        // each worker read stays in flight until its latch opens: the completion's publication is its last step
        Map<Integer, CountDownLatch> held = new ConcurrentHashMap<>();
        CallerReads slow = new CallerReads(queue, caps, (request, completion) -> {
            try {
                held.get(request.slot()).await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            queue.complete(completion);
        });
        IoPumpAgent pump = new IoPumpAgent("pump-test", queue, caps, IoPath.FILE_CHANNEL,
            IoCompletionPublisher.into(queue)).alongside(slow);
        invoker = new AgentInvoker(Throwable::printStackTrace, null, pump);
        invoker.start();
        pump.awaitStarted(5, TimeUnit.SECONDS);
        int file = caps.registerFileForRead(file("f.bin", new byte[8192]));
        int bufA = caps.registerBuffer(memory.allocate("a", 4096));
        int bufB = caps.registerBuffer(memory.allocate("b", 4096));

        held.put(4, new CountDownLatch(1));
        write(4, OP_READ, file, bufA, 0, 4096);
        CompletableFuture<Void> earlier = CompletableFuture.runAsync(() -> slow.serve(4));
        awaitStatus(4, WorkRingDescriptor.CLAIMED);
        post(1, OP_FENCE, 0, 0, 0, 0);
        for (int i = 0; i < 20; i++) {
            invoker.invoke();
        }
        assertThat(queue.status(1)).as("the fence waits for the worker's read posted before it")
            .isEqualTo(WorkRingDescriptor.CLAIMED);

        held.put(9, new CountDownLatch(1));
        write(9, OP_READ, file, bufB, 4096, 4096);
        CompletableFuture<Void> later = CompletableFuture.runAsync(() -> slow.serve(9));
        awaitStatus(9, WorkRingDescriptor.CLAIMED);
        held.get(4).countDown();
        earlier.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 20 && queue.status(1) != STATUS_OK; i++) {
            invoker.invoke();
        }
        assertThat(queue.status(1)).as("the read posted after the fence does not hold it").isEqualTo(STATUS_OK);
        assertThat(queue.status(9)).isEqualTo(WorkRingDescriptor.CLAIMED);
        held.get(9).countDown();
        later.get(10, TimeUnit.SECONDS);
        assertThat(queue.status(9)).isEqualTo(STATUS_OK);
        assertThat(pump.stats().reads()).as("the pump read nothing itself").isZero();
    }

    private void awaitStatus(int slot, int status) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.status(slot) != status) {
            assertThat(System.nanoTime()).as("slot %d reaches status %d", slot, status).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
