package io.vyre.flink.testsuite;

import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.runtime.backend.BackendKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.util.FileUtils;

/** The external system of the sink suite: a directory whose committed (visible) part files hold the lines. */
final class VyreLinesSinkContext implements DataStreamSinkV2ExternalContext<String> {
    private final Path dir;

    VyreLinesSinkContext() {
        try {
            dir = Files.createTempDirectory("vyre-sink-suite");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Sink<String> createSink(TestingSinkSettings settings) {
        return VyreSink.<String>builder().setOutputDirectory(dir.toString()).setBackend(BackendKind.CPU)
            .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(8192).lanes(2)).build();
    }

    @Override
    public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
        Map<Path, Integer> seen = new HashMap<>();
        return new ExternalSystemDataReader<>() {
            @Override
            public List<String> poll(Duration timeout) {
                List<String> out = new ArrayList<>();
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                        int from = seen.getOrDefault(f, 0);
                        out.addAll(lines.subList(from, lines.size()));
                        seen.put(f, lines.size());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (out.isEmpty()) {
                    try {
                        Thread.sleep(Math.min(100, timeout.toMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return out;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public List<String> generateTestData(TestingSinkSettings settings, long seed) {
        Random rnd = new Random(seed);
        List<String> records = new ArrayList<>();
        int n = 100 + rnd.nextInt(400);
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder("record-" + i + "-");
            for (int k = rnd.nextInt(80); k > 0; k--) {
                s.append((char) ('a' + rnd.nextInt(26)));
            }
            records.add(s.toString());
        }
        return records;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        return List.of();
    }

    @Override
    public void close() throws IOException {
        FileUtils.deleteDirectory(dir.toFile());
    }
}
