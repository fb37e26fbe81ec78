package io.vyre.flink.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;

/**
 * Makes part files visible once their checkpoint completed: an atomic rename of the hidden in-progress
 * file. Idempotent, since committables are delivered again after a recovery.
 */
final class VyreCommitter implements Committer<VyreCommittable> {
    @Override
    public void commit(Collection<CommitRequest<VyreCommittable>> requests) {
        for (CommitRequest<VyreCommittable> request : requests) {
            Path from = Path.of(request.getCommittable().inProgress());
            Path to = Path.of(request.getCommittable().target());
            try {
                if (Files.exists(from)) {
                    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                } else if (Files.exists(to)) {
                    request.signalAlreadyCommitted();
                } else {
                    request.signalFailedWithKnownReason(new IOException("in-progress file " + from + " disappeared"
                        + " before its checkpoint could commit it, and " + to + " does not exist: its records are lost"));
                }
            } catch (IOException e) {
                request.retryLater();
            }
        }
    }

    @Override
    public void close() {
    }
}
