package io.vyre.flink.jobs.redact;

import io.vyre.flink.jobs.VyreJobs;
import io.vyre.flink.jobs.cli.CommonOptions;
import io.vyre.flink.jobs.cli.InputOptions;
import io.vyre.flink.jobs.cli.JobEnvironment;
import io.vyre.flink.jobs.cli.JobInputs;
import io.vyre.flink.jobs.cli.OutputOptions;
import io.vyre.flink.jobs.cli.ProgressReporter;
import io.vyre.flink.jobs.cli.UserError;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.RecordBytes;
import io.vyre.flink.sink.RecordEncoder;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.VyreSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.DetachedJobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code redact}: copies the lines of the inputs into part files with every occurrence of every pattern
 * masked by the sink's megakernel ({@code redact} program). Lines travel as bytes, so what is not masked is
 * copied exactly ('\r', bytes that are not UTF-8); each line ends with '\n' in the output. Each input file is
 * one split, so its lines keep their order within the part files of the subtask that read it.
 */
@Command(name = "redact", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes the lines of the inputs into part files under --output with every pattern occurrence"
        + " replaced by mask characters of the same length.")
public final class RedactCommand implements Callable<Integer> {
    static final String SOURCE_NAME = "vyre-lines";
    /** A line of an input file: (its file's path, its bytes as the file holds them, without the '\n'). */
    @SuppressWarnings("unchecked")
    private static final TypeInformation<Tuple2<String, byte[]>> FILE_LINE = (TypeInformation<Tuple2<String, byte[]>>)
        (TypeInformation<?>) Types.TUPLE(Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    /** A line's bytes as they are, then '\n' ({@link RecordEncoder#rawLines()} for lines with their file). */
    private static final class LineBytes implements RecordEncoder<Tuple2<String, byte[]>> {
        private static final long serialVersionUID = 1L;
        private static final RecordEncoder<byte[]> RAW = RecordEncoder.rawLines();

        @Override
        public byte[] encode(Tuple2<String, byte[]> line) {
            return RAW.encode(line.f1);
        }

        @Override
        public void encodeInto(Tuple2<String, byte[]> line, RecordBytes out) {
            RAW.encodeInto(line.f1, out);
        }
    }

    @Mixin
    InputOptions input;

    @Mixin
    OutputOptions output;

    @Option(names = "--mask", paramLabel = "CHAR", description = "The mask character (default: ${DEFAULT-VALUE}).")
    char mask = '*';

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (mask == 0 || mask > 0x7F) {
            throw new UserError("--mask must be one ASCII character (it replaces each masked byte), got '" + mask + "'",
                VyreJobs.EXIT_USAGE, null);
        }
        boolean embedded = JobEnvironment.embedded();
        List<String> paths = input.inputPaths(embedded);
        List<String> patterns = JobInputs.patternTexts(JobInputs.patterns(input.patternsFile()));
        Path out = output.folder(embedded, paths);
        String backend = "";
        long total = 0;
        int files = 0;
        Configuration embeddedOnly = new Configuration();
        int parallelism = 0;
        if (embedded) {
            backend = JobEnvironment.checkBackend(common.backend);
            TreeMap<String, Long> found = JobInputs.files(paths);
            total = JobInputs.totalBytes(found);
            files = found.size();
            embeddedOnly = ProgressReporter.configuration(SOURCE_NAME, total);
            parallelism = JobEnvironment.defaultParallelism(backend, common);
        }

        StreamExecutionEnvironment env = JobEnvironment.createForVyreSources(common, embeddedOnly, parallelism);
        // each line with its file: the sink keeps every input file's lines in part files of a folder of its own
        VyreSource<Tuple2<String, byte[]>> source = VyreSource.builder().setPaths(paths)
            .setProgram(VyrePrograms.lineBytes((path, offset, line) -> Tuple2.of(path, line), FILE_LINE))
            .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(common.backend).devices(common.devices)
                .cpuWorkers(1))
            .setSplitBytes(Long.MAX_VALUE)
            .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), SOURCE_NAME).uid("vyre-redact-source")
            .sinkTo(VyreSink.<Tuple2<String, byte[]>>builder().setOutputDirectory(out.toString())
                .setEncoder(new LineBytes()).setBucketAssigner(new InputFileBuckets(paths))
                .redact(patterns, input.ignoreCase, mask)
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(common.backend).devices(common.devices)
                    .chunkBytes(1 << 20))
                .build()).name("vyre-redacted-part-files").uid("vyre-redact-sink");
        JobExecutionResult result = env.execute("vyre redact: " + patterns.size() + " patterns over "
            + (embedded ? files + " files" : paths.size() + " inputs"));
        ProgressReporter.finishLine();
        PrintWriter stdout = spec.commandLine().getOut();
        if (result instanceof DetachedJobExecutionResult) {
            stdout.println("submitted job " + result.getJobID() + "; redacted part files go to " + out);
        } else if (embedded) {
            stdout.printf(Locale.ROOT, "redacted %s in %d file%s (%d patterns, backend %s) in %.2f s; part files in %s%n",
                ProgressReporter.bytes(total), files, files == 1 ? "" : "s", patterns.size(), backend,
                result.getNetRuntime() / 1000.0, out);
        } else {
            stdout.printf(Locale.ROOT, "job %s finished in %.2f s; redacted part files in %s%n", result.getJobID(),
                result.getNetRuntime() / 1000.0, out);
        }
        return VyreJobs.EXIT_OK;
    }
}
