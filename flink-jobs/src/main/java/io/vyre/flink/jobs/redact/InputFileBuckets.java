package io.vyre.flink.jobs.redact;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * The bucket of a redacted line (input file, line): the file's path relative to the common folder of the inputs'
 * parent folders, so each input file's lines go into part files of a folder of its own, {@code OUTPUT/<path>/part-...},
 * in the file's order, and no two files share one: {@code --input /var/log/nginx --input /var/log/apache} writes
 * {@code nginx/access.log/} and {@code apache/access.log/}; {@code --input /logs} writes {@code logs/app.log/}.
 */
final class InputFileBuckets implements BucketAssigner<Tuple2<String, byte[]>, String> {
    private static final long serialVersionUID = 1L;
    /** The common folder of the inputs' parents, with a trailing '/'. */
    private final String base;

    InputFileBuckets(List<String> inputs) {
        Path common = null;
        for (String input : inputs) {
            Path parent = Path.of(input).toAbsolutePath().normalize().getParent();
            if (parent == null) {
                parent = Path.of(input).toAbsolutePath().getRoot();
            }
            common = common == null ? parent : commonFolder(common, parent);
        }
        String b = common == null ? "/" : common.toString();
        this.base = b.endsWith("/") ? b : b + "/";
    }

    private static Path commonFolder(Path a, Path b) {
        Path common = a;
        while (!b.startsWith(common)) {
            common = common.getParent();
        }
        return common;
    }

    @Override
    public String getBucketId(Tuple2<String, byte[]> line, Context context) {
        return bucketOf(line.f0);
    }

    /** The file's bucket; a file outside every input (which the source never lists) is refused. */
    String bucketOf(String file) {
        if (!file.startsWith(base)) {
            throw new IllegalArgumentException("redact: " + file + " lies outside the inputs' folder " + base);
        }
        return file.substring(base.length());
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
