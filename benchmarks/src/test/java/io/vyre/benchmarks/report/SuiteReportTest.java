package io.vyre.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The suite's raw rows become a dated BENCHMARKS.md section with a table and two plots. */
class SuiteReportTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteTheTablePlotsAndSectionFromRawResults() throws Exception {
        long gib16 = 16L << 30;
        Path tsv = Files.writeString(dir.resolve("results.tsv"), String.join("\n",
            "label\tengine\tpatterns\tignore_case\tsubtasks\tbytes\tjob_s\tstreaming_s\tcompile_s\tcpu_core_s\toccurrences",
            "d\tvectorscan-direct\t1000\tfalse\t16\t" + gib16 + "\t0.8800\t0.6700\t0.0500\t13.0000\t5285870",
            "d, warm\tvyre-cpu\t1000\tfalse\t8\t" + gib16 + "\t3.4400\t1.9800\t\t40.0000\t5285870",
            "d\tvyre-cpu\t1000\tfalse\t16\t" + gib16 + "\t4.8400\t3.0500\t\t60.0000\t5285870",
            "d\tvyre-cuda\t1000\tfalse\t4\t" + gib16 + "\t2.6700\t1.2200\t\t12.0000\t5285870",
            "d\tvyre-cuda\t100000\tfalse\t4\t" + gib16 + "\t4.3900\t1.4200\t\t14.0000\t5285870",
            "d\tflink-ahocorasick\t100000\ttrue\t16\t" + gib16 + "\t40.0000\t\t3.0000\t600.0000\t5285871",
            "d\tvyre-cuda\t100000\ttrue\t4\t" + gib16 + "\t4.5000\t1.5000\t\t14.0000\t5285870",
            "d set=feed\tvectorscan-direct\t1000\tfalse\t16\t" + gib16 + "\t1.7600\t1.3400\t0.0600\t26.0000\t5285870",
            "d, warm set=feed\tvyre-cuda\t1000\tfalse\t4\t" + gib16 + "\t2.6700\t1.2200\t\t12.0000\t5285870",
            "d\tpage-cache-read\t0\tfalse\t16\t" + gib16 + "\t0.5000\t\t\t8.0000\t0", ""));
        Path docs = Files.createDirectories(dir.resolve("docs"));
        String section = SuiteReport.section(SuiteReport.read(tsv), java.util.Map.of("baselineMemcpyHtoD256MiB", 54.8),
            "2026-12-01", "test machine", "run.sh suite", docs);

        assertThat(section).startsWith("## The suite: every engine on the same files (2026-12-01)")
            .contains("baselineMemcpyHtoD256MiB 54.8 GB/s; page cache read on 16 threads 32.00 GiB/s.")
            .doesNotContain("| 0 |")
            // the best of the CPU job's two subtask counts: 16 GiB / 3.44 s, streaming 16 GiB / 1.98 s
            // engines in columns by name; an engine without a run of a workload leaves its cell empty
            .contains("| 1,000 | decoys | exact | | 18.18 (23.88) x16, 0.8 core-s/GB |")
            // a second pattern set at the same count is a workload of its own, not a better or worse run of the first
            .contains("| 1,000 | feed | exact | | 9.09 (11.94) x16, 1.5 core-s/GB | | 5.99 (13.11) x4, 0.7 core-s/GB |")
            .contains("![throughput against subtasks at 1,000 patterns, decoys]")
            .contains("4.65 (8.08) x8, 2.3 core-s/GB |").contains("5,285,870, all agree")
            .contains("**differ: [5285870, 5285871]**").doesNotContain("NaN");
        for (String png : List.of("2026-12-01-throughput-vs-patterns.png", "2026-12-01-throughput-vs-subtasks.png")) {
            byte[] bytes = Files.readAllBytes(docs.resolve("plots").resolve(png));
            assertThat(bytes).as(png).hasSizeGreaterThan(10_000).startsWith(0x89, 'P', 'N', 'G');
        }
    }
}
