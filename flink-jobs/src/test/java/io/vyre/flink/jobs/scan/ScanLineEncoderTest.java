package io.vyre.flink.jobs.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.sink.RecordBytes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScanLineEncoderTest {
    @Test
    void writesTheLineOfToLineForEachMatchAsTheFileChanges() {
        ScanLineEncoder encoder = new ScanLineEncoder();
        RecordBytes out = new RecordBytes();
        ScanMatch[] matches = {
            new ScanMatch("/logs/a.log", 0, 0), new ScanMatch("/logs/a.log", 4_294_967_296L, 65_536),
            new ScanMatch(new String("/logs/a.log"), 12, 3), new ScanMatch("/logs/caf\u00e9.log", 99, 1_000_000),
            new ScanMatch("/logs/a.log", Long.MAX_VALUE, Integer.MAX_VALUE)};
        for (ScanMatch m : matches) {
            encoder.encodeInto(m, out.clear());
            byte[] expected = (m.toLine() + "\n").getBytes(StandardCharsets.UTF_8);
            assertThat(out.toByteArray()).isEqualTo(expected);
            assertThat(encoder.encode(m)).isEqualTo(expected);
        }
    }
}
