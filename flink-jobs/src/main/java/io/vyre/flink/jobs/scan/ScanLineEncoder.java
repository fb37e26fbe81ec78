package io.vyre.flink.jobs.scan;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.sink.RecordBytes;
import io.vyre.flink.sink.RecordEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The scan job's output line, {@link ScanMatch#toLine()} and '\n' in UTF-8, written straight into the sink's
 * record bytes: no String per occurrence, and the path's bytes encoded once per file rather than per line.
 */
final class ScanLineEncoder implements RecordEncoder<ScanMatch> {
    private static final long serialVersionUID = 1L;

    private transient String lastPath;
    private transient byte[] lastPathBytes;

    @Override
    public byte[] encode(ScanMatch match) {
        RecordBytes out = new RecordBytes();
        encodeInto(match, out);
        return out.toByteArray();
    }

    @Override
    public void encodeInto(ScanMatch match, RecordBytes out) {
        String path = match.path;
        if (path != lastPath) {
            lastPathBytes = String.valueOf(path).getBytes(StandardCharsets.UTF_8);
            lastPath = path;
        }
        out.append(lastPathBytes).append((byte) '\t').appendDecimal(match.offset).append((byte) '\t')
            .appendDecimal(match.patternId).append((byte) '\n');
    }
}
