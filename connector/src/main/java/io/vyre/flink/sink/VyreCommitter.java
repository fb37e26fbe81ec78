package io.vyre.flink.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;

/**
 * Makes part files visible once their checkpoint completed: an atomic rename of the hidden in-progress
 * file, or on another file system the completion of its upload ({@link RemoteParts#commit}). Idempotent, since committables are delivered again after a recovery. A committable whose files are
 * both gone fails the job with the reason (Flink only counts a commit failed "with a known reason", so the
 * records would be lost silently): typically the committer runs on a host that cannot see the writer's
 * in-progress file.
 */
final class VyreCommitter implements Committer<VyreCommittable> {
    @Override
    public void commit(Collection<CommitRequest<VyreCommittable>> requests) throws IOException {
        for (CommitRequest<VyreCommittable> request : requests) {
            if (request.getCommittable().isRemote()) {
                RemoteParts.commit(request.getCommittable());
                continue;
            }
            Path from = Path.of(request.getCommittable().inProgress());
            Path to = Path.of(request.getCommittable().target());
            if (Files.exists(from)) {
                try {
                    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    request.retryLater();  // the file is still there to retry with
                }
            } else if (Files.exists(to)) {
                request.signalAlreadyCommitted();
            } else {
                throw new IOException("in-progress file " + from + " is not there to commit and " + to + " does not"
                    + " exist: the records of that checkpoint are lost. The sink's output folder must be one every"
                    + " task manager sees (a shared file system), and nothing else may delete its hidden files");
            }
        }
    }

    @Override
    public void close() {
    }
}
