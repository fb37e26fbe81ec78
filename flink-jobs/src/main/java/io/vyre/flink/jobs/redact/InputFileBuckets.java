package io.vyre.flink.jobs.redact;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * The bucket of a redacted line (input file, line): the file's path relative to the input it was found under (its
 * name where the input is the file itself), so each input file's lines go into part files of a folder of its own,
 * {@code OUTPUT/<relative path>/part-...}, in the file's order.
 */
final class InputFileBuckets implements BucketAssigner<Tuple2<String, byte[]>, String> {
    private static final long serialVersionUID = 1L;
    /** The inputs, longest first: a file under two overlapping inputs belongs to the deeper one. */
    private final List<String> roots;

    InputFileBuckets(List<String> roots) {
        this.roots = roots.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    @Override
    public String getBucketId(Tuple2<String, byte[]> line, Context context) {
        return bucketOf(line.f0);
    }

    String bucketOf(String file) {
        for (String root : roots) {
            String folder = root.endsWith("/") ? root : root + "/";
            if (file.startsWith(folder)) {
                return file.substring(folder.length());
            }
        }
        return Path.of(file).getFileName().toString();
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
