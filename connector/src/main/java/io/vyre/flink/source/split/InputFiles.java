package io.vyre.flink.source.split;

import io.vyre.flink.fs.FileLocation;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;

/**
 * Where an input path lives. A plain path or a {@code file:} URI is <b>local</b>: the megakernel's IO pump reads it
 * (io_uring, straight into page-locked lanes), it can be cut into ranges and tailed. Any other scheme ({@code s3://},
 * {@code hdfs://}, {@code gs://}, whatever Flink's {@link FileSystem} has a plugin for) is <b>remote</b>: listed and
 * opened through Flink's file system, each file one split that the source reader streams into the same lanes, as it
 * does a compressed file.
 */
@Internal
public final class InputFiles {
    private InputFiles() {
    }

    /** A remote file as listed: its URI, size and modification time. */
    public record Remote(String path, long size, long modified) {
    }

    /** A file's size and modification time, wherever it lives. */
    public record Attributes(long size, long modifiedMillis) {
    }

    /** The size and modification time of {@code path}, local or remote. */
    public static Attributes attributes(String path) throws IOException {
        if (FileLocation.isLocal(path)) {
            BasicFileAttributes a = Files.readAttributes(FileLocation.localPath(path), BasicFileAttributes.class);
            return new Attributes(a.size(), a.lastModifiedTime().toMillis());
        }
        org.apache.flink.core.fs.Path remote = new org.apache.flink.core.fs.Path(path);
        try {
            FileStatus status = fileSystem(remote).getFileStatus(remote);
            return new Attributes(status.getLen(), status.getModificationTime());
        } catch (FileNotFoundException e) {
            throw new NoSuchFileException(path, null, e.getMessage());
        }
    }

    /**
     * Read by the source reader as a stream, whole, as one split: a compressed file (through its decompressor), or
     * any file not on the local file system.
     */
    public static boolean streamed(String path) {
        return Compression.of(path).compressed() || !FileLocation.isLocal(path);
    }

    /**
     * Every file under a remote {@code root} (the root itself when it is a file), hidden entries (names starting
     * with '.' or '_', as in-progress files are) left out, as the local listing does.
     *
     * @throws NoSuchFileException when the root does not exist
     */
    public static List<Remote> listRemote(String root) throws IOException {
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(root);
        FileSystem fs = fileSystem(path);
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new NoSuchFileException(root, null, "input path does not exist");
        }
        List<Remote> files = new ArrayList<>();
        if (status.isDir()) {
            walk(fs, path, files);
        } else {
            // as a walk names it (qualified), so a file also reached through a folder is listed once
            files.add(new Remote(status.getPath().toString(), status.getLen(), status.getModificationTime()));
        }
        return files;
    }

    private static void walk(FileSystem fs, org.apache.flink.core.fs.Path dir, List<Remote> files) throws IOException {
        FileStatus[] entries;
        try {
            entries = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return;  // deleted while listed: the next listing sees what is there then
        }
        for (FileStatus entry : entries == null ? new FileStatus[0] : entries) {
            if (hiddenName(entry.getPath().getName())) {
                continue;
            }
            if (entry.isDir()) {
                walk(fs, entry.getPath(), files);
            } else {
                files.add(new Remote(entry.getPath().toString(), entry.getLen(), entry.getModificationTime()));
            }
        }
    }

    /** A name the listings pass over, on every file system: '.' or '_' first, as in-progress files are named. */
    public static boolean hiddenName(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /**
     * The bytes of {@code path} from {@code position} on: a local file through NIO, a remote one through Flink's file
     * system (seeking, not reading, to the position).
     *
     * @throws NoSuchFileException when the file is gone
     */
    public static InputStream open(String path, long position) throws IOException {
        if (FileLocation.isLocal(path)) {
            InputStream in = Files.newInputStream(FileLocation.localPath(path));
            try {
                in.skipNBytes(position);
            } catch (IOException e) {
                in.close();
                throw e;
            }
            return in;
        }
        org.apache.flink.core.fs.Path remote = new org.apache.flink.core.fs.Path(path);
        FSDataInputStream in;
        try {
            in = fileSystem(remote).open(remote);
        } catch (FileNotFoundException e) {
            throw new NoSuchFileException(path, null, e.getMessage());
        }
        try {
            if (position > 0) {
                in.seek(position);
            }
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return in;
    }

    private static FileSystem fileSystem(org.apache.flink.core.fs.Path path) throws IOException {
        try {
            return path.getFileSystem();
        } catch (IOException e) {
            throw new IOException("cannot reach the file system of " + path + ": " + e.getMessage() + " (for "
                + path.toUri().getScheme() + "://, put Flink's file system plugin for it into plugins/ and configure"
                + " its credentials, as for any Flink source)", e);
        }
    }
}
