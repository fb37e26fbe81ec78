package io.vyre.flink.sink;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * A part file closed at a checkpoint, waiting to be made visible: on the local (or a mounted) file system a hidden
 * file to rename; on another file system ({@code s3://}, {@code hdfs://}) an upload to complete through that file
 * system's {@link org.apache.flink.core.fs.RecoverableWriter} ({@link RemoteParts}).
 *
 * @param inProgress         local: the hidden file the writer wrote (".part-...inprogress"); remote: empty
 * @param target             the name it gets when the checkpoint completes (a URI on a remote file system)
 * @param recoverableVersion remote: the version of the file system's commit-recoverable serializer; local: -1
 * @param recoverable        remote: the serialized commit recoverable; local: {@code null}
 */
@Internal
public record VyreCommittable(String inProgress, String target, int recoverableVersion, byte[] recoverable) {
    static final int LOCAL = -1;

    /** A local part file. */
    public VyreCommittable(String inProgress, String target) {
        this(inProgress, target, LOCAL, null);
    }

    /** An upload to {@code target} that its commit recoverable completes. */
    static VyreCommittable remote(String target, int recoverableVersion, byte[] recoverable) {
        return new VyreCommittable("", target, recoverableVersion, Objects.requireNonNull(recoverable));
    }

    public boolean isRemote() {
        return recoverable != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VyreCommittable c && inProgress.equals(c.inProgress) && target.equals(c.target)
            && recoverableVersion == c.recoverableVersion && Arrays.equals(recoverable, c.recoverable);
    }

    @Override
    public int hashCode() {
        return Objects.hash(inProgress, target, recoverableVersion) * 31 + Arrays.hashCode(recoverable);
    }

    @Override
    public String toString() {
        return isRemote() ? "VyreCommittable[upload to " + target + "]"
            : "VyreCommittable[" + inProgress + " -> " + target + "]";
    }
}
