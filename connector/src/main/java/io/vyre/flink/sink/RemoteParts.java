package io.vyre.flink.sink;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.RecoverableFsDataOutputStream;
import org.apache.flink.core.fs.RecoverableWriter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Part files of a sink whose output directory is on another file system than the local one ({@code s3://},
 * {@code hdfs://}): the megakernel writes (and redacts) them into a local staging folder as it writes local output;
 * at the checkpoint each closed part file is uploaded to its place through the file system's
 * {@link RecoverableWriter} and closed for commit (on S3 a multipart upload not yet completed: invisible), and the
 * committer completes it when the checkpoint completes, as Flink's FileSink does. A failed attempt's uploads are
 * never completed (an object store's lifecycle rule for incomplete uploads removes them, as for FileSink).
 */
final class RemoteParts {
    private final org.apache.flink.core.fs.Path root;
    private final Path staging;
    private final RecoverableWriter writer;

    RemoteParts(String directory, Path staging) throws IOException {
        this.root = new org.apache.flink.core.fs.Path(directory);
        this.staging = staging;
        FileSystem fs = root.getFileSystem();
        try {
            this.writer = fs.createRecoverableWriter();
        } catch (UnsupportedOperationException e) {
            throw new IOException("the sink's output directory " + directory + " is on a file system that cannot write"
                + " exactly once (" + fs.getClass().getSimpleName() + " has no RecoverableWriter): choose another", e);
        }
    }

    /** Whether {@code directory} is on another file system than the local one (a scheme other than {@code file:}). */
    static boolean isRemote(String directory) {
        String scheme = new org.apache.flink.core.fs.Path(directory).toUri().getScheme();
        return scheme != null && !scheme.equals("file");
    }

    /**
     * The local folder a sink subtask stages its remote part files in, under {@code stagingRoot} (or the JVM's temp
     * folder): one per job and subtask, so a writer never removes a folder another one uses.
     */
    static Path staging(String stagingRoot, String jobId, int subtask) {
        return Path.of(stagingRoot != null ? stagingRoot : System.getProperty("java.io.tmpdir"), "vyre-sink-staging",
            jobId, Integer.toString(subtask));
    }

    /**
     * Uploads a staged part file (synced and closed) to its place under the output directory, closed for commit,
     * and deletes the staged copy.
     *
     * @return the committable that completes the upload
     */
    VyreCommittable upload(VyreCommittable staged) throws IOException {
        Path local = Path.of(staged.inProgress());
        String relative = staging.relativize(Path.of(staged.target())).toString().replace(File.separatorChar, '/');
        org.apache.flink.core.fs.Path target = new org.apache.flink.core.fs.Path(root, relative);
        RecoverableFsDataOutputStream out = writer.open(target);
        RecoverableWriter.CommitRecoverable recoverable;
        try {
            Files.copy(local, out);
            recoverable = out.closeForCommit().getRecoverable();
        } catch (IOException | RuntimeException e) {
            out.close();
            throw new IOException("uploading part file " + local + " to " + target + " failed: " + e.getMessage(), e);
        }
        SimpleVersionedSerializer<RecoverableWriter.CommitRecoverable> serializer = writer.getCommitRecoverableSerializer();
        VyreCommittable committable = VyreCommittable.remote(target.toString(), serializer.getVersion(),
            serializer.serialize(recoverable));
        Files.delete(local);
        return committable;
    }

    /** Completes an upload (idempotent: a committable delivered again after a recovery is completed already). */
    static void commit(VyreCommittable c) throws IOException {
        org.apache.flink.core.fs.Path target = new org.apache.flink.core.fs.Path(c.target());
        RecoverableWriter writer = target.getFileSystem().createRecoverableWriter();
        RecoverableWriter.CommitRecoverable recoverable = writer.getCommitRecoverableSerializer()
            .deserialize(c.recoverableVersion(), c.recoverable());
        writer.recoverForCommit(recoverable).commitAfterRecovery();
    }

    /** Removes the writer's staging folders that are empty (a staged file, and the folders holding it, stay). */
    void removeEmptyStaging() {
        try (var walk = Files.walk(staging)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).filter(Files::isDirectory).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException notEmpty) {
                    // holds a staged file
                }
            }
        } catch (IOException | java.io.UncheckedIOException gone) {
            // nothing staged
        }
    }
}
