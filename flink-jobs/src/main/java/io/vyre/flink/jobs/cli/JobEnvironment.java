package io.vyre.flink.jobs.cli;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.Backends;
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

    /**
     * The environment for one job: restart strategy and checkpointing from {@code options}; when embedded,
     * also {@code embeddedOnly} (e.g. the progress reporter) and one slot per subtask on all cores.
     */
    public static StreamExecutionEnvironment create(CommonOptions options, Configuration embeddedOnly) {
        boolean embedded = embedded();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, options.restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofSeconds(1));
        if (embedded) {
            conf.addAll(embeddedOnly);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (options.parallelism != null) {
            if (options.parallelism < 1) {
                throw new UserError("--parallelism must be at least 1, got " + options.parallelism, 2, null);
            }
            env.setParallelism(options.parallelism);
        } else if (embedded) {
            env.setParallelism(Runtime.getRuntime().availableProcessors());
        }
        if (!options.checkpointInterval.isZero()) {
            env.enableCheckpointing(options.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
        return env;
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
