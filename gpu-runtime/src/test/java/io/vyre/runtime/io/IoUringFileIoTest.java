package io.vyre.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.memory.NativeBuffer;
import io.vyre.runtime.memory.NativeMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * io_uring reads inline and in io-wq pieces give the same bytes and the same results: a whole file, a read
 * past its end, a read wholly past it, a closed descriptor. Skipped, with the reason, where io_uring is refused.
 */
class IoUringFileIoTest {
    private static final int SIZE = 3 * (1 << 20) + 12_345;

    @TempDir
    Path dir;
    private final NativeMemory memory = new NativeMemory(1L << 30);
    private byte[] content;
    private Path file;
    private IoUringFileIo io;

    @BeforeEach
    void setUp() throws Exception {
        String reason = FileIoFactory.ioUringUnavailableReason();
        assumeThat(reason).as("io_uring unavailable here: %s", reason).isNull();
        content = new byte[SIZE];
        new Random(7).nextBytes(content);
        file = dir.resolve("data.bin");
        Files.write(file, content);
    }

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
        memory.close();
    }

    @ParameterizedTest(name = "pieces of {0} bytes")
    @ValueSource(ints = {0, 4096, 256 * 1024, 1 << 20})
    void readsTheSameBytesWholeOrInPieces(int pieceBytes) {
        io = new IoUringFileIo(64, pieceBytes);
        int fd = open();
        NativeBuffer into = memory.allocate("into", 4 << 20);

        assertThat(read(fd, 0, into, 0, SIZE)).isEqualTo(SIZE);
        assertThat(bytes(into, 0, SIZE)).isEqualTo(content);

        // past the end: what is there, from the start of the read on
        int from = (1 << 20) + 17;
        assertThat(read(fd, from, into, 4096, (4 << 20) - 4096)).isEqualTo(SIZE - from);
        assertThat(bytes(into, 4096, SIZE - from)).isEqualTo(Arrays.copyOfRange(content, from, SIZE));

        assertThat(read(fd, SIZE + 1, into, 0, 1 << 20)).isZero();
        assertThat(io.inFlight()).isZero();
    }

    @ParameterizedTest(name = "pieces of {0} bytes")
    @ValueSource(ints = {0, 4096})
    void failsAReadOfAClosedDescriptorWithItsErrno(int pieceBytes) {
        io = new IoUringFileIo(64, pieceBytes);
        int fd = open();
        io.closeFile(fd);
        NativeBuffer into = memory.allocate("into", 1 << 20);
        assertThat(read(fd, 0, into, 0, 1 << 20)).isEqualTo(-9);  // EBADF
    }

    @ParameterizedTest(name = "pieces of {0} bytes")
    @ValueSource(ints = {4096, 65536})
    void completesManyReadsInFlightEachWithItsOwnBytes(int pieceBytes) {
        io = new IoUringFileIo(64, pieceBytes);
        int fd = open();
        int reads = 24;
        int length = 200_000;
        NativeBuffer into = memory.allocate("into", reads * length);
        long[] results = new long[reads];
        Arrays.fill(results, Long.MIN_VALUE);
        for (int k = 0; k < reads; k++) {
            io.read(k, fd, (long) k * 97_531, into, k * length, length);
        }
        assertThat(io.inFlight()).isEqualTo(reads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int done = 0;
        while (done < reads && System.nanoTime() < deadline) {
            done += io.poll((token, result) -> results[(int) token] = result);
        }
        for (int k = 0; k < reads; k++) {
            int from = k * 97_531;
            assertThat(results[k]).as("read %d", k).isEqualTo(length);
            assertThat(bytes(into, k * length, length)).as("read %d", k)
                .isEqualTo(Arrays.copyOfRange(content, from, from + length));
        }
    }

    private int open() {
        io.open(1, file, false);
        long fd = await(1);
        assertThat(fd).isNotNegative();
        return (int) fd;
    }

    private long read(int fd, long offset, NativeBuffer into, int at, int length) {
        io.read(2, fd, offset, into, at, length);
        return await(2);
    }

    private long await(long token) {
        long[] result = {Long.MIN_VALUE};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (result[0] == Long.MIN_VALUE && System.nanoTime() < deadline) {
            io.poll((t, r) -> {
                if (t == token) {
                    result[0] = r;
                }
            });
        }
        assertThat(result[0]).as("a completion of %d within 10 s", token).isNotEqualTo(Long.MIN_VALUE);
        return result[0];
    }

    private static byte[] bytes(NativeBuffer buffer, int at, int length) {
        byte[] out = new byte[length];
        buffer.buffer().getBytes(at, out);
        return out;
    }
}
