package io.vyre.flink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A logger as the tailing tests need one: it keeps its file open while the file is renamed or deleted. */
public final class LogWriter {
    private LogWriter() {
    }

    /** A rename or a deletion of the file a writer holds open. */
    @FunctionalInterface
    public interface NameChange {
        void run() throws IOException;
    }

    /** What a rotating logger does: the file's name changes, then the handle it still holds writes {@code last}. */
    public static void writeAfter(Path file, NameChange change, String last) throws IOException {
        try (FileChannel writer = FileChannel.open(file, StandardOpenOption.APPEND)) {
            change.run();
            writer.write(ByteBuffer.wrap(last.getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
