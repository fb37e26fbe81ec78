package io.vyre.flink.jobs.sql;

import io.vyre.flink.jobs.VyreJobs;
import io.vyre.flink.jobs.cli.CommonOptions;
import io.vyre.flink.jobs.cli.InputOptions;
import io.vyre.flink.jobs.cli.JobEnvironment;
import io.vyre.flink.jobs.cli.JobInputs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sql}: the SQL connector example. Declares a {@code 'connector' = 'vyre'} table over the inputs
 * and counts occurrences per pattern with a batch query; the statements are printed before they run so
 * they can be copied into the SQL client.
 */
@Command(name = "sql", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Counts pattern occurrences with Flink SQL over a 'connector' = 'vyre' table (prints the SQL).")
public final class SqlCommand implements Callable<Integer> {
    @Mixin
    InputOptions input;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
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
