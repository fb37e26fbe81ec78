package io.vyre.flink.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.flink.sink.VyreCommittable;
import io.vyre.flink.sink.VyreCommittableSerializer;
import io.vyre.flink.sink.VyreWriterState;
import io.vyre.flink.sink.VyreWriterStateSerializer;
import io.vyre.flink.source.enumerator.VyreEnumeratorState;
import io.vyre.flink.source.enumerator.VyreEnumeratorStateSerializer;
import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.flink.source.split.VyreFileSplitSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints written by this version must stay readable: each serializer's version-1 bytes are frozen
 * in src/test/resources/golden and must decode to the same value (and the value must encode to them).
 */
class SerializerGoldenTest {
    static final VyreFileSplit SPLIT = new VyreFileSplit("/data/logs/app-2026-11-26.log", 67_108_864L, 134_217_728L,
        70_000_000L, 3);
    static final VyreEnumeratorState STATE = new VyreEnumeratorState(Set.of("/data/b.log", "/data/a.log"),
        List.of(VyreFileSplit.range("/data/a.log", 0, 1000), VyreFileSplit.tail("/data/c.log").at(42, 1)));
    static final VyreFileSplit SPLIT_V2 = new VyreFileSplit("/data/logs/app-2026-11-26.log", 67_108_864L,
        134_217_728L, 70_000_000L, 0, 70_000_123L, 7);
    static final VyreEnumeratorState STATE_V2 = new VyreEnumeratorState(Set.of("/data/b.log", "/data/a.log"),
        List.of(VyreFileSplit.range("/data/a.log", 0, 1000), VyreFileSplit.tail("/data/c.log").at(42, 50L, 3)));
    static final VyreFileSplit SPLIT_V3 = VyreFileSplit.tail("/data/logs/app.log", "id:(dev=803,ino=1048577)")
        .at(70_000_000L, 70_000_123L, 7);
    static final VyreEnumeratorState STATE_V3 = new VyreEnumeratorState(
        Set.of("id:(dev=803,ino=1048577)", "/data/b.log"),
        List.of(VyreFileSplit.range("/data/a.log", 0, 1000), VyreFileSplit.tail("/data/c.log", "id:(dev=803,ino=9)")
            .at(42, 50L, 3)));
    static final VyreCommittable COMMITTABLE = new VyreCommittable("/out/.part-x-0-1.inprogress", "/out/part-x-0-1");
    /** An upload to complete, with a file system's commit recoverable (3 bytes of its serializer's version 1). */
    static final VyreCommittable REMOTE_COMMITTABLE = new VyreCommittable("", "s3://bucket/out/part-x-0-1", 1,
        new byte[] {1, 2, 3});
    static final VyreWriterState WRITER_STATE = new VyreWriterState("/out", "part-x-0-", 7);

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = SerializerGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", ""));
        }
    }

    @Test
    void splitV3IsFrozenAndV2AndV1StayReadable() throws IOException {
        VyreFileSplitSerializer s = VyreFileSplitSerializer.INSTANCE;
        assertThat(s.getVersion()).isEqualTo(3);
        assertThat(s.serialize(SPLIT_V3)).isEqualTo(golden("vyre-file-split-v3.hex"));
        assertThat(s.deserialize(3, golden("vyre-file-split-v3.hex"))).isEqualTo(SPLIT_V3);
        assertThat(SPLIT_V3.identity()).isEqualTo("id:(dev=803,ino=1048577)");
        VyreFileSplit v2 = s.deserialize(2, golden("vyre-file-split-v2.hex"));
        assertThat(v2).isEqualTo(SPLIT_V2);
        assertThat(v2.identity()).as("a v2 split follows its path").isEqualTo(VyreFileSplit.NO_IDENTITY);
        VyreFileSplit v1 = s.deserialize(1, golden("vyre-file-split-v1.hex"));
        assertThat(v1).isEqualTo(SPLIT);
        assertThat(v1.skip()).as("a v1 checkpoint's positional skip is kept").isEqualTo(3);
        assertThat(v1.lastStart()).isEqualTo(VyreFileSplit.NONE);
    }

    @Test
    void enumeratorStateV3IsFrozenAndV2AndV1StayReadable() throws IOException {
        VyreEnumeratorStateSerializer s = new VyreEnumeratorStateSerializer();
        assertThat(s.getVersion()).isEqualTo(3);
        assertThat(s.serialize(STATE_V3)).isEqualTo(golden("vyre-enumerator-state-v3.hex"));
        assertThat(s.deserialize(3, golden("vyre-enumerator-state-v3.hex"))).isEqualTo(STATE_V3);
        assertThat(s.deserialize(2, golden("vyre-enumerator-state-v2.hex"))).isEqualTo(STATE_V2);
        assertThat(s.deserialize(1, golden("vyre-enumerator-state-v1.hex"))).isEqualTo(STATE);
    }

    @Test
    void committableV2IsFrozenAndV1StaysReadable() throws IOException {
        VyreCommittableSerializer s = new VyreCommittableSerializer();
        assertThat(s.getVersion()).isEqualTo(2);
        assertThat(s.serialize(COMMITTABLE)).isEqualTo(golden("vyre-committable-v2-local.hex"));
        assertThat(s.deserialize(2, golden("vyre-committable-v2-local.hex"))).isEqualTo(COMMITTABLE);
        assertThat(s.serialize(REMOTE_COMMITTABLE)).isEqualTo(golden("vyre-committable-v2-remote.hex"));
        assertThat(s.deserialize(2, golden("vyre-committable-v2-remote.hex"))).isEqualTo(REMOTE_COMMITTABLE)
            .satisfies(c -> assertThat(c.isRemote()).isTrue());
        assertThat(s.deserialize(1, golden("vyre-committable-v1.hex"))).isEqualTo(COMMITTABLE);
        assertThatThrownBy(() -> s.deserialize(3, golden("vyre-committable-v1.hex"))).hasMessageContaining("version 3");
    }

    @Test
    void writerStateV1IsFrozen() throws IOException {
        VyreWriterStateSerializer s = new VyreWriterStateSerializer();
        assertThat(s.getVersion()).isEqualTo(1);
        assertThat(s.serialize(WRITER_STATE)).isEqualTo(golden("vyre-writer-state-v1.hex"));
        assertThat(s.deserialize(1, golden("vyre-writer-state-v1.hex"))).isEqualTo(WRITER_STATE);
        assertThatThrownBy(() -> s.deserialize(2, golden("vyre-writer-state-v1.hex"))).hasMessageContaining("version 2");
    }

    @Test
    void shouldRejectUnknownVersionsAndCorruptBytes() throws IOException {
        assertThatThrownBy(() -> VyreFileSplitSerializer.INSTANCE.deserialize(4,
            VyreFileSplitSerializer.INSTANCE.serialize(SPLIT_V3))).hasMessageContaining("version 4");
        byte[] split = golden("vyre-file-split-v2.hex");
        assertThatThrownBy(() -> VyreFileSplitSerializer.INSTANCE.deserialize(2, Arrays.copyOf(split, split.length + 1)))
            .hasMessageContaining("trailing");
        byte[] badOffset = split.clone();
        badOffset[badOffset.length - 24] = (byte) 0x80;  // offset's first byte: negative
        assertThatThrownBy(() -> VyreFileSplitSerializer.INSTANCE.deserialize(2, badOffset))
            .hasMessageContaining("corrupt split");
        byte[] keyBeforeOffset = split.clone();
        keyBeforeOffset[keyBeforeOffset.length - 8] = 0;  // lastStart 70,000,123 becomes 2,891,259: below the offset
        assertThatThrownBy(() -> VyreFileSplitSerializer.INSTANCE.deserialize(2, keyBeforeOffset))
            .hasMessageContaining("corrupt split");
    }
}
