package io.vyre.flink.jobs.cli;

import io.vyre.flink.runtime.RuntimeJvmCheck;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.runtime.EngineChoice;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.Backends;
import io.vyre.runtime.bytecode.Vir0Program;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a job runs: the embedded local cluster when started with {@code java -jar}, or the cluster that
 * {@code flink run} or a REST submission provides. Builds the execution environment with the options
 * every job shares.
 */
public final class JobEnvironment {
    private JobEnvironment() {
    }

    /** True unless a Flink client (flink run, REST submission) provides the environment. */
    public static boolean embedded() {
        return StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
    }

    /** What every job sets whatever runs it: a bounded restart strategy from {@code options}. */
    public static Configuration jobConfiguration(CommonOptions options) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, options.restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        return conf;
    }

    /**
     * The environment for one job: {@link #jobConfiguration} plus {@code extra} (the progress reporter on the
     * embedded cluster, nothing on a cluster), checkpointing from {@code options}, and --parallelism or else
     * {@code defaultParallelism} subtasks (0: the cluster's default).
     */
    public static StreamExecutionEnvironment create(CommonOptions options, Configuration extra,
                                                    int defaultParallelism) {
        Configuration conf = jobConfiguration(options);
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        RuntimeJvmCheck.checkBeforeSubmission(env.getConfiguration());
        if (options.parallelism != null) {
            env.setParallelism(checkedParallelism(options));
        } else if (defaultParallelism > 0) {
            env.setParallelism(defaultParallelism);
        }
        if (!options.checkpointInterval.isZero()) {
            env.enableCheckpointing(options.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
        return env;
    }

    /**
     * The checkpoint interval once the Vyre sources have read everything: a bounded streaming job finishes only
     * after a checkpoint taken then (FLIP-147), which would otherwise come up to a whole --checkpoint-interval
     * later (FLINK-28386, open upstream).
     */
    public static final Duration FINAL_CHECKPOINT_INTERVAL = Duration.ofMillis(200);

    /**
     * As {@link #create}, for a job whose bounded sources are Vyre sources: they report backlog while they read,
     * so checkpoints come every --checkpoint-interval then (execution.checkpointing.interval-during-backlog),
     * and every {@link #FINAL_CHECKPOINT_INTERVAL} after (execution.checkpointing.interval), which brings the
     * final checkpoint at once.
     */
    public static StreamExecutionEnvironment createForVyreSources(CommonOptions options, Configuration extra,
                                                                  int defaultParallelism) {
        StreamExecutionEnvironment env = create(options, extra, defaultParallelism);
        long interval = options.checkpointInterval.toMillis();
        if (interval > 0) {
            env.getCheckpointConfig().setCheckpointIntervalDuringBacklog(interval);
            env.getCheckpointConfig().setCheckpointInterval(Math.min(interval, FINAL_CHECKPOINT_INTERVAL.toMillis()));
        }
        return env;
    }

    /** --parallelism, which must be at least 1. */
    public static int checkedParallelism(CommonOptions options) {
        if (options.parallelism < 1) {
            throw new UserError("--parallelism must be at least 1, got " + options.parallelism, 2, null);
        }
        return options.parallelism;
    }

    /**
     * Subtasks when --parallelism is not given on the embedded cluster: one per two cores on the CPU backend
     * (subtasks only feed the runtime's worker pool, which has two workers per core: on the 16-core GPU machine
     * 8 subtasks out-ran 16); on CUDA four per listed device (four when none is listed), each a tenant of the
     * device's one runtime (docs/BENCHMARKS.md: throughput rises from 1 to 4 subtasks on one H200 and is flat
     * from 4 to 8).
     */
    public static int defaultParallelism(String resolvedBackend, CommonOptions options) {
        if (resolvedBackend.startsWith("cuda")) {
            return 4 * Math.max(1, options.devices.size());
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /**
     * As {@link #checkBackend}, and for {@code auto} with a GPU present, the choice the job's runtime will make
     * for {@code workload} on this machine (measured now on the start of {@code firstInput}, cached in this JVM,
     * which runs the embedded cluster).
     *
     * @return what will run, e.g. "cpu (auto: for 10 patterns MATCH measured ...)"
     */
    public static String resolveBackend(BackendKind backend, List<Integer> devices, List<Vir0Program> workload,
                                        Path firstInput) {
        String checked = checkBackend(backend);
        if (backend != BackendKind.AUTO || !checked.equals("cuda")) {
            return checked;
        }
        EngineChoice.Choice choice = VyreRuntimeSettings.defaults().backend(BackendKind.AUTO).devices(devices)
            .chooseBackend(workload, firstInput);
        return choice.backend().name().toLowerCase(Locale.ROOT) + " (auto: " + choice.reason() + ")";
    }

    /**
     * Checks that the requested backend can run here, when "here" is where the job will run (embedded);
     * on a cluster each task manager decides, and fails its subtasks with the reason.
     *
     * @return what will run, e.g. "cuda" or "cpu (CUDA unavailable: no driver)"
     */
    public static String checkBackend(BackendKind backend) {
        if (backend == BackendKind.CPU) {
            return "cpu";
        }
        String reason = Backends.cudaUnavailableReason();
        if (backend == BackendKind.CUDA && reason != null) {
            throw new UserError("--backend cuda, but no GPU is usable here: " + reason + ". Use --backend auto (falls"
                + " back to the CPU megakernel) or --backend cpu");
        }
        return reason == null ? "cuda" : "cpu (auto: " + reason + ")";
    }
}
