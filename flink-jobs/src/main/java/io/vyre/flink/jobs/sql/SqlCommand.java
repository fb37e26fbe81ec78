package io.vyre.flink.jobs.sql;

import io.vyre.flink.jobs.VyreJobs;
import io.vyre.flink.jobs.cli.CommonOptions;
import io.vyre.flink.jobs.cli.InputOptions;
import io.vyre.flink.jobs.cli.JobEnvironment;
import io.vyre.flink.jobs.cli.JobInputs;
import io.vyre.flink.jobs.cli.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sql}: Flink SQL on the embedded cluster (or the cluster a submission provides). With {@code -f FILE}
 * it runs the user's statements in order, printing the rows of each query; without, the connector example:
 * a {@code 'connector' = 'vyre'} table over the inputs and a batch query counting occurrences per pattern,
 * printed before it runs so it can be copied into the SQL client.
 */
@Command(name = "sql", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs Flink SQL statements from a file (-f), or counts pattern occurrences over a 'connector' ="
        + " 'vyre' table (--input, --patterns; prints the SQL).")
public final class SqlCommand implements Callable<Integer> {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
        description = "Statements to run, separated by ';' (CREATE TABLE ... WITH ('connector' = 'vyre', ...), SELECT,"
            + " INSERT, SET ...); each query's rows are printed.")
    Path file;

    @Option(names = "--mode", paramLabel = "batch|streaming",
        description = "Runtime mode of the statements (default: ${DEFAULT-VALUE}).")
    String mode = "batch";

    @Mixin
    InputOptions input;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!mode.equals("batch") && !mode.equals("streaming")) {
            throw new UserError("--mode must be batch or streaming, got '" + mode + "'", VyreJobs.EXIT_USAGE, null);
        }
        if (file != null) {
            if (input.given()) {
                throw new UserError("-f runs the file's statements: --input and --patterns belong in its CREATE TABLE"
                    + " options ('path', 'patterns.file')", VyreJobs.EXIT_USAGE, null);
            }
            return runFile();
        }
        boolean embedded = JobEnvironment.embedded();
        List<String> paths = input.inputPaths(embedded);
        Path patterns = input.patternsFile();
        JobInputs.patterns(patterns);
        if (embedded) {
            JobEnvironment.checkBackend(common.backend);
        }
        Configuration conf = JobEnvironment.jobConfiguration(common);
        if (common.parallelism != null) {
            conf.setString("parallelism.default", Integer.toString(JobEnvironment.checkedParallelism(common)));
        }
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.newInstance().inBatchMode()
            .withConfiguration(conf).build());
        List<String> statements = List.of(
            "CREATE TEMPORARY TABLE hits (\n"
                + "  path STRING,\n"
                + "  `offset` BIGINT,\n"
                + "  pattern_id INT\n"
                + ") WITH (\n"
                + "  'connector' = 'vyre',\n"
                + "  'path' = '" + quote(String.join(",", paths)) + "',\n"
                + "  'program' = 'scan',\n"
                + "  'patterns.file' = '" + quote(patterns.toString()) + "',\n"
                + "  'ignore-case' = '" + input.ignoreCase + "',\n"
                + "  'backend' = '" + common.backend.name().toLowerCase(Locale.ROOT) + "'"
                + (common.devices.isEmpty() ? "" : ",\n  'devices' = '" + common.devices.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(",")) + "'") + "\n"
                + ")",
            "SELECT pattern_id, COUNT(*) AS occurrences, COUNT(DISTINCT path) AS files\n"
                + "FROM hits\n"
                + "GROUP BY pattern_id\n"
                + "ORDER BY pattern_id");
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < statements.size(); i++) {
            out.println(statements.get(i) + ";");
            out.flush();
            if (i < statements.size() - 1) {
                tEnv.executeSql(statements.get(i));
            } else {
                printRows(tEnv.executeSql(statements.get(i)), out);
            }
        }
        return VyreJobs.EXIT_OK;
    }

    private int runFile() {
        List<String> statements;
        try {
            statements = SqlStatements.split(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError("cannot read the SQL file " + file + ": " + e.getMessage(), VyreJobs.EXIT_FAILED, e);
        }
        if (statements.isEmpty()) {
            throw new UserError("the SQL file " + file + " holds no statement", VyreJobs.EXIT_USAGE, null);
        }
        Configuration conf = JobEnvironment.jobConfiguration(common);
        if (common.parallelism != null) {
            conf.setString("parallelism.default", Integer.toString(JobEnvironment.checkedParallelism(common)));
        }
        if (!common.checkpointInterval.isZero() && mode.equals("streaming")) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, common.checkpointInterval);
        }
        EnvironmentSettings.Builder settings = EnvironmentSettings.newInstance().withConfiguration(conf);
        TableEnvironment tEnv = TableEnvironment.create(mode.equals("batch") ? settings.inBatchMode().build()
            : settings.inStreamingMode().build());
        PrintWriter out = spec.commandLine().getOut();
        for (String statement : statements) {
            out.println(statement + ";");
            out.flush();
            TableResult result = tEnv.executeSql(statement);
            if (result.getJobClient().isPresent() && result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT
                && !isQuery(statement)) {
                await(result);  // INSERT: wait for the job, as the SQL client does with table.dml-sync
                out.println("(done)");
            } else if (result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                printRows(result, out);
            } else {
                out.println("OK");
            }
            out.flush();
        }
        return VyreJobs.EXIT_OK;
    }

    private static boolean isQuery(String statement) {
        String head = statement.stripLeading().toUpperCase(Locale.ROOT);
        return head.startsWith("SELECT") || head.startsWith("WITH") || head.startsWith("VALUES")
            || head.startsWith("(");
    }

    private static void await(TableResult result) {
        try {
            result.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the INSERT job", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the INSERT job failed: " + e.getMessage(), e);
        }
    }

    private static void printRows(TableResult result, PrintWriter out) {
        List<String> columns = result.getResolvedSchema().getColumnNames();
        out.println(String.join("\t", columns));
        try (CloseableIterator<Row> rows = result.collect()) {
            while (rows.hasNext()) {
                Row row = rows.next();
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < row.getArity(); c++) {
                    line.append(c == 0 ? "" : "\t").append(row.getField(c));
                }
                out.println(line);
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading the query's result failed: " + e.getMessage(), e);
        }
        out.flush();
    }

    private static String quote(String value) {
        return value.replace("'", "''");
    }
}
