package io.vyre.flink.source.enumerator;

import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.flink.source.split.VyreFileSplitSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Enumerator checkpoints. Version 3: {@code int n, n known files (sorted), int m, m splits (as in
 * VyreFileSplitSerializer v3)}, where a known file of a monitored source is its identity ({@code id:...}) or,
 * where the file system has none, its path; versions 2 and 1 (read, not written): the same with v2 and v1
 * splits, and paths only (a monitored source turns them into identities on restore).
 */
@Internal
public final class VyreEnumeratorStateSerializer implements SimpleVersionedSerializer<VyreEnumeratorState> {
    public static final int VERSION = 3;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(VyreEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.knownFiles().size());
            for (String path : new TreeSet<>(state.knownFiles())) {
                out.writeUTF(path);
            }
            out.writeInt(state.unassigned().size());
            for (VyreFileSplit split : state.unassigned()) {
                VyreFileSplitSerializer.writeTo(out, split);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public VyreEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown Vyre enumerator state version " + version + " (this build reads 1.." + VERSION
                + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            int n = in.readInt();
            if (n < 0) {
                throw new IOException("corrupt enumerator state: " + n + " files");
            }
            Set<String> known = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                known.add(in.readUTF());
            }
            int m = in.readInt();
            if (m < 0) {
                throw new IOException("corrupt enumerator state: " + m + " splits");
            }
            List<VyreFileSplit> splits = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                splits.add(VyreFileSplitSerializer.readFrom(in, version));
            }
            if (in.available() != 0) {
                throw new IOException("corrupt enumerator state: " + in.available() + " trailing bytes");
            }
            return new VyreEnumeratorState(known, splits);
        }
    }
}
