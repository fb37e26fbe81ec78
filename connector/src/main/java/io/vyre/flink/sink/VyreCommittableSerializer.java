package io.vyre.flink.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Committables in checkpoints. Version 2: {@code inProgress, target} (modified UTF-8), the commit recoverable's
 * serializer version (-1 for a local part file), then the recoverable's length and bytes (-1 and none for a local
 * part file). Version 1 (a local part file: {@code inProgress, target}) is still read.
 */
@Internal
public final class VyreCommittableSerializer implements SimpleVersionedSerializer<VyreCommittable> {
    public static final int VERSION = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(VyreCommittable c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(c.inProgress());
            out.writeUTF(c.target());
            out.writeInt(c.recoverableVersion());
            if (c.isRemote()) {
                out.writeInt(c.recoverable().length);
                out.write(c.recoverable());
            } else {
                out.writeInt(-1);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public VyreCommittable deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1 && version != VERSION) {
            throw new IOException("unknown Vyre committable version " + version + " (this build reads 1 and " + VERSION
                + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            String inProgress = in.readUTF();
            String target = in.readUTF();
            VyreCommittable c;
            if (version == 1) {
                c = new VyreCommittable(inProgress, target);
            } else {
                int recoverableVersion = in.readInt();
                int length = in.readInt();
                if (length < -1 || length > in.available()) {
                    throw new IOException("corrupt committable: a recoverable of " + length + " bytes in "
                        + serialized.length);
                }
                byte[] recoverable = null;
                if (length >= 0) {
                    recoverable = new byte[length];
                    in.readFully(recoverable);
                }
                c = new VyreCommittable(inProgress, target, recoverableVersion, recoverable);
            }
            if (in.available() != 0) {
                throw new IOException("corrupt committable: " + in.available() + " trailing bytes");
            }
            return c;
        }
    }
}
