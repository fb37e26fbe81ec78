package io.vyre.flink.source.split;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.flink.annotation.Internal;

/**
 * A file's identity as the file system keeps it (device and inode on Linux), which a rename keeps and a new
 * file under the old name does not: how a tailed log is followed through rotation, as log shippers do.
 */
@Internal
public final class FileIdentity {
    private FileIdentity() {
    }

    /** {@code id:} and the file system's key of {@code file}, or {@link VyreFileSplit#NO_IDENTITY} where it has none. */
    public static String of(Path file) throws IOException {
        return of(Files.readAttributes(file, BasicFileAttributes.class));
    }

    /** The identity in attributes already read. */
    public static String of(BasicFileAttributes attributes) {
        Object key = attributes.fileKey();
        return key == null ? VyreFileSplit.NO_IDENTITY : "id:" + key;
    }

    /** {@link #of}, or {@code null} when the file is gone. */
    public static String ofOrNull(Path file) {
        try {
            return of(file);
        } catch (IOException e) {
            return null;
        }
    }
}
