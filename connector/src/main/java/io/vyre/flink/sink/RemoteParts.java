package io.vyre.flink.sink;

import io.vyre.flink.fs.FileLocation;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.RecoverableFsDataOutputStream;
import org.apache.flink.core.fs.RecoverableWriter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.FileUtils;

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

    /** Whether {@code directory} is on another file system than the local one ({@link FileLocation}). */
    static boolean isRemote(String directory) {
        return !FileLocation.isLocal(directory);
    }

    /**
     * The local folder one writer attempt stages its part files in, under {@code stagingRoot} (or the JVM's
     * {@code java.io.tmpdir}): {@code vyre-sink-staging/<job>/<sink>-<subtask>-<attempt>}, where {@code <sink>} is
     * derived from the output directory, so two sinks of a job, two subtasks and two attempts never share one. Nothing
     * in it outlives its writer: a part file is deleted once uploaded, and what was staged after the last checkpoint
     * is written again by the restored job.
     */
    static Path staging(String stagingRoot, String directory, String jobId, int subtask, int attempt) {
        return stagingJob(stagingRoot, jobId).resolve(sinkKey(directory) + "-" + subtask + "-" + attempt);
    }

    private static Path stagingJob(String stagingRoot, String jobId) {
        return Path.of(stagingRoot != null ? stagingRoot : System.getProperty("java.io.tmpdir"), "vyre-sink-staging",
            jobId);
    }

    private static String sinkKey(String directory) {
        return UUID.nameUUIDFromBytes(directory.getBytes(StandardCharsets.UTF_8)).toString().substring(0, 8);
    }

    /**
     * Deletes the staging folders of this subtask's earlier attempts on this host (a task manager that died left
     * them; their part files are written again by the restored job).
     */
    static void deleteEarlierAttempts(String stagingRoot, String directory, String jobId, int subtask, int attempt) {
        Path job = stagingJob(stagingRoot, jobId);
        String own = sinkKey(directory) + "-" + subtask + "-";
        try (var folders = Files.list(job)) {
            for (Path f : folders.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(own) && !name.equals(own + attempt)) {
                    FileUtils.deleteDirectoryQuietly(f.toFile());  // gone, or left for the next attempt
                }
            }
        } catch (IOException | java.io.UncheckedIOException nothingStaged) {
            // no staging folder of this job on this host
        }
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

    /**
     * Deletes the writer's staging folder with what is left in it (part files staged after the last checkpoint, which
     * the restored job writes again), then the job's folder if no other writer stages there.
     */
    void deleteStaging() {
        FileUtils.deleteDirectoryQuietly(staging.toFile());
        try {
            Files.deleteIfExists(staging.getParent());
        } catch (IOException inUse) {
            // another writer of the job stages on this host
        }
    }
}
