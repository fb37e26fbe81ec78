package io.vyre.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Turns the raw results of one benchmark suite run ({@code results.tsv} rows written by {@code scan}, {@code peer}
 * and {@code baseline} with {@code --results}, and JMH's JSON of the link benchmarks) into a dated section of
 * docs/BENCHMARKS.md and two plots in docs/plots/: throughput against pattern count per engine, and throughput
 * against subtasks.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.vyre.benchmarks.report.SuiteReport --results R.tsv [--jmh J.json]
 *     --machine "NVIDIA H200, 16 cores" --command "tools/gpu/run.sh suite ..." [--docs docs] [--date 2026-12-01]
 * </pre>
 */
public final class SuiteReport {
    private static final double GIB = 1L << 30;
    /** Rows of {@code baseline --read-only}: a limit, not an engine. */
    private static final String READ = "page-cache-read";
    /** Colours that stay apart on white and in print (Okabe-Ito). */
    private static final Color[] PALETTE = {new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115),
        new Color(204, 121, 167), new Color(86, 180, 233), new Color(230, 159, 0), new Color(0, 0, 0),
        new Color(240, 228, 66)};

    /** One results row. */
    record Row(String label, String engine, int patterns, boolean ignoreCase, int subtasks, long bytes, double jobSeconds,
               double streamingSeconds, double compileSeconds, double cpuSeconds, long occurrences) {
        double rate() {
            return bytes / GIB / jobSeconds;
        }

        double streamingRate() {
            return Double.isNaN(streamingSeconds) || streamingSeconds <= 0 ? Double.NaN : bytes / GIB / streamingSeconds;
        }

        /** Host core-seconds spent per GB scanned. */
        double coreSecondsPerGb() {
            return cpuSeconds / (bytes / 1e9);
        }

        /**
         * Which kind of patterns file ran: the {@value #SET_TAG} word of the label ({@code tools/gpu/run.sh suite}
         * labels its rows "16384 MiB set=feed"), {@value #DECOYS} for a label without one (rows before sets had
         * names).
         */
        String patternSet() {
            for (String word : label.split("[\\s,]+")) {
                if (word.startsWith(SET_TAG) && word.length() > SET_TAG.length()) {
                    return word.substring(SET_TAG.length());
                }
            }
            return DECOYS;
        }
    }

    /** The pattern set of {@code generate}'s plain counts: the demo's indicators, then random decoys. */
    static final String DECOYS = "decoys";
    /** How a results label names its pattern set. */
    static final String SET_TAG = "set=";

    private SuiteReport() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        if (!a.containsKey("--results")) {
            System.err.println("usage: SuiteReport --results R.tsv [--jmh J.json] --machine TEXT --command TEXT"
                + " [--docs DIR] [--date YYYY-MM-DD]");
            System.exit(2);
        }
        List<Row> rows = read(Path.of(a.get("--results")));
        Path docs = Path.of(a.getOrDefault("--docs", "docs"));
        String date = a.getOrDefault("--date", LocalDate.now(ZoneOffset.UTC).toString());
        Map<String, Double> links = a.containsKey("--jmh") ? links(Path.of(a.get("--jmh"))) : Map.of();
        String section = section(rows, links, date, a.getOrDefault("--machine", "(machine not given)"),
            a.getOrDefault("--command", "(command not given)"), docs);
        Path md = docs.resolve("BENCHMARKS.md");
        String text = Files.readString(md, StandardCharsets.UTF_8);
        int at = text.indexOf("\n## ");
        Files.writeString(md, at < 0 ? text + "\n" + section : text.substring(0, at + 1) + section + "\n"
            + text.substring(at + 1), StandardCharsets.UTF_8);
        System.out.println("wrote a section of " + md + " and plots under " + docs.resolve("plots"));
    }

    static List<Row> read(Path tsv) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("label\t")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            rows.add(new Row(f[0], f[1], Integer.parseInt(f[2]), Boolean.parseBoolean(f[3]), Integer.parseInt(f[4]),
                Long.parseLong(f[5]), num(f[6]), num(f[7]), num(f[8]), num(f[9]), Long.parseLong(f[10])));
        }
        return rows;
    }

    private static double num(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    /** GB/s of the JMH copy baselines (256 MiB per op), by benchmark name. */
    static Map<String, Double> links(Path json) throws IOException {
        String text = Files.readString(json, StandardCharsets.UTF_8);
        Map<String, Double> out = new TreeMap<>();
        Matcher m = Pattern.compile("\"benchmark\"\\s*:\\s*\"[^\"]*\\.(\\w+)\"[\\s\\S]*?\"primaryMetric\"\\s*:\\s*\\{\\s*"
            + "\"score\"\\s*:\\s*([0-9.Ee+-]+)[\\s\\S]*?\"scoreUnit\"\\s*:\\s*\"ms/op\"").matcher(text);
        while (m.find()) {
            out.put(m.group(1), (256.0 * (1 << 20)) / (Double.parseDouble(m.group(2)) / 1000) / 1e9);
        }
        return out;
    }

    static String section(List<Row> all, Map<String, Double> links, String date, String machine, String command,
                          Path docs) throws IOException {
        List<Row> reads = all.stream().filter(r -> r.engine().equals(READ)).toList();
        List<Row> rows = all.stream().filter(r -> !r.engine().equals(READ)).toList();
        StringBuilder b = new StringBuilder();
        b.append("## The suite: every engine on the same files (").append(date).append(")\n\n");
        b.append("Machine: ").append(machine).append(". Command: `").append(command).append("`; the table and plots were"
            + " made from its raw results by `SuiteReport` (benchmarks module). GiB/s end to end: each job's Flink net"
            + " runtime (start-up, compile, commit included), in brackets the streaming rate where the engine reports"
            + " one (the megakernel: first chunk issued to last done; `vectorscan-direct`: its threads' scan time"
            + " alone). *core-s/GB*: host CPU seconds of the whole process per GB scanned. Compile times of the peers"
            + " and the direct baseline are paid before their jobs and not in their rates. *set*: `generate`'s patterns"
            + " files, the demo's indicators then random decoys (`decoys`, `patterns-N.txt`), a threat-intelligence"
            + " feed's IP addresses, domains, URLs and hashes (`feed`, `patterns-feed-N.txt`), or six words most log"
            + " lines carry then decoys (`dense`, `patterns-dense-N.txt`: about one occurrence per 100 bytes).\n\n");
        if (!links.isEmpty() || !reads.isEmpty()) {
            b.append("Physical limits in the same run:");
            links.forEach((name, gbs) -> b.append(String.format(Locale.ROOT, " %s %.1f GB/s;", name, gbs)));
            reads.stream().sorted((p, q) -> Integer.compare(p.subtasks(), q.subtasks())).forEach(r -> b.append(
                String.format(Locale.ROOT, " page cache read on %d thread%s %.2f GiB/s;", r.subtasks(),
                    r.subtasks() == 1 ? "" : "s", r.rate())));
            b.setLength(b.length() - 1);
            b.append(".\n\n");
        }
        TreeSet<String> engines = new TreeSet<>();
        rows.forEach(r -> engines.add(r.engine()));
        b.append("| patterns | set | case |");
        engines.forEach(e -> b.append(' ').append(e).append(" |"));
        b.append(" occurrences |\n|---:|---|---|");
        engines.forEach(e -> b.append("---:|"));
        b.append("---|\n");
        Map<String, List<Row>> byWorkload = new TreeMap<>();
        for (Row r : rows) {
            byWorkload.computeIfAbsent(String.format(Locale.ROOT, "%09d/%s/%b", r.patterns(), r.patternSet(),
                    r.ignoreCase()),
                k -> new ArrayList<>()).add(r);
        }
        for (List<Row> group : byWorkload.values()) {
            Row first = group.get(0);
            b.append(String.format(Locale.ROOT, "| %,d | %s | %s |", first.patterns(), first.patternSet(),
                first.ignoreCase() ? "ignore" : "exact"));
            for (String e : engines) {
                Row best = null;
                for (Row r : group) {
                    if (r.engine().equals(e) && (best == null || r.rate() > best.rate())) {
                        best = r;
                    }
                }
                if (best == null) {
                    b.append(" |");
                } else {
                    b.append(String.format(Locale.ROOT, " %.2f%s x%d, %.1f core-s/GB |", best.rate(),
                        Double.isNaN(best.streamingRate()) ? "" : String.format(Locale.ROOT, " (%.2f)", best.streamingRate()),
                        best.subtasks(), best.coreSecondsPerGb()));
                }
            }
            TreeSet<Long> counts = new TreeSet<>();
            group.forEach(r -> counts.add(r.occurrences()));
            b.append(counts.size() == 1 ? String.format(Locale.ROOT, " %,d, all agree |", counts.first())
                : " **differ: " + counts + "** |").append('\n');
        }
        Path plots = Files.createDirectories(docs.resolve("plots"));
        String byPatterns = date + "-throughput-vs-patterns.png";
        String bySubtasks = date + "-throughput-vs-subtasks.png";
        plotByPatterns(rows, engines, plots.resolve(byPatterns));
        String subtaskPatterns = plotBySubtasks(rows, engines, plots.resolve(bySubtasks));
        b.append("\n![throughput against pattern count](plots/").append(byPatterns).append(")\n");
        if (subtaskPatterns != null) {
            b.append(String.format(Locale.ROOT, "\n![throughput against subtasks at %s](plots/%s)%n",
                subtaskPatterns, bySubtasks));
        }
        return b.toString();
    }

    /**
     * The best end-to-end rate of each engine at each pattern count (exact case), a line per engine and pattern set
     * (the set named in the legend when the run had more than one).
     */
    private static void plotByPatterns(List<Row> rows, TreeSet<String> engines, Path png) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        TreeSet<String> sets = new TreeSet<>();
        rows.forEach(r -> sets.add(r.patternSet()));
        for (String set : sets) {
            for (String e : engines) {
                TreeMap<Integer, Double> best = new TreeMap<>();
                rows.stream().filter(r -> r.engine().equals(e) && !r.ignoreCase() && r.patternSet().equals(set))
                    .forEach(r -> best.merge(r.patterns(), r.rate(), Math::max));
                XYSeries s = new XYSeries(sets.size() == 1 ? e : e + ", " + set);
                best.forEach(s::add);
                if (!s.isEmpty()) {
                    data.addSeries(s);
                }
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Scan throughput by pattern count (best over subtasks)",
            "literal patterns", "GiB/s end to end", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("literal patterns");
        x.setBase(10);
        x.setSmallestValue(1);
        x.setTickUnit(new NumberTickUnit(1));  // one tick per power of ten
        x.setNumberFormatOverride(new DecimalFormat("#,##0"));
        plot.setDomainAxis(x);
        style(plot);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 540);
    }

    /**
     * Rate against subtasks per engine, for the workload (pattern count and set, exact case) run with the most
     * subtask counts; returns its description ("1,000 patterns, decoys"), or null when there are no rows.
     */
    private static String plotBySubtasks(List<Row> rows, TreeSet<String> engines, Path png) throws IOException {
        Map<String, TreeSet<Integer>> variety = new TreeMap<>();
        rows.stream().filter(r -> !r.ignoreCase()).forEach(r -> variety.computeIfAbsent(workload(r),
            k -> new TreeSet<>()).add(r.subtasks()));
        String workload = variety.entrySet().stream().max((p, q) -> Integer.compare(p.getValue().size(),
            q.getValue().size())).map(Map.Entry::getKey).orElse(null);
        if (workload == null) {
            return null;
        }
        XYSeriesCollection data = new XYSeriesCollection();
        for (String e : engines) {
            XYSeries s = new XYSeries(e);
            rows.stream().filter(r -> r.engine().equals(e) && !r.ignoreCase() && workload(r).equals(workload))
                .forEach(r -> s.addOrUpdate(r.subtasks(), r.rate()));
            if (!s.isEmpty()) {
                data.addSeries(s);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Scan throughput by subtasks, " + workload,
            "subtasks (threads for vectorscan-direct)",
            "GiB/s end to end", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        style(plot);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 540);
        return workload;
    }

    private static String workload(Row r) {
        return String.format(Locale.ROOT, "%,d patterns, %s", r.patterns(), r.patternSet());
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        plot.setRenderer(renderer);
    }
}
