package io.vyre.flink.testsuite;

import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.source.VyreSource;
import io.vyre.flink.source.VyreSourceBuilder;
import io.vyre.runtime.backend.BackendKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;
import org.apache.flink.util.FileUtils;

/**
 * The external system of the source suite: a directory of text files, one per split, each record a line.
 * Unbounded runs monitor the directory and tail the files, so records appended later are read too.
 */
final class VyreLinesSourceContext implements DataStreamSourceExternalContext<String> {
    private final Path dir;
    private int splits;

    VyreLinesSourceContext() {
        try {
            dir = Files.createTempDirectory("vyre-source-suite");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Source<String, ?, ?> createSource(TestingSourceSettings settings) {
        VyreSourceBuilder<String> builder = VyreSource.builder().setPaths(dir.toString())
            .setProgram(VyrePrograms.lineTexts()).setBackend(BackendKind.CPU).setChunkBytes(4096).setLanes(2)
            .setSplitBytes(64L << 20);
        if (settings.getBoundedness() == Boundedness.CONTINUOUS_UNBOUNDED) {
            builder.monitorContinuously(Duration.ofMillis(100));
        }
        return builder.build();
    }

    @Override
    public ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(TestingSourceSettings settings) {
        Path file = dir.resolve("split-" + (splits++) + ".txt");
        return new ExternalSystemSplitDataWriter<>() {
            @Override
            public void writeRecords(List<String> records) {
                StringBuilder text = new StringBuilder();
                for (String r : records) {
                    text.append(r).append('\n');
                }
                try {
                    Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public List<String> generateTestData(TestingSourceSettings settings, int splitIndex, long seed) {
        Random rnd = new Random(seed);
        List<String> records = new ArrayList<>();
        int n = 50 + rnd.nextInt(150);
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder("split" + splitIndex + "-" + i + "-");
            for (int k = rnd.nextInt(60); k > 0; k--) {
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
