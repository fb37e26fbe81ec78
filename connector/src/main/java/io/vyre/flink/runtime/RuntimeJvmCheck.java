package io.vyre.flink.runtime;

import io.vyre.runtime.AgronaAccess;
import io.vyre.runtime.VyreRuntimeException;
import java.util.List;
import java.util.Locale;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Vyre runtime keeps its protocol words in Agrona 2.x buffers, which reach {@code jdk.internal.misc.Unsafe}:
 * every JVM that runs a runtime (task managers; the one JVM of an embedded or MiniCluster job) needs
 * {@value AgronaAccess#JVM_FLAG}. Agrona 2.x has no setting that avoids it, so instead of failing at the first
 * record, a missing flag is reported where a job is defined or submitted, and again where its tasks start.
 */
@Internal
public final class RuntimeJvmCheck {
    /** The options a cluster's operator sets to give task managers JVM options. */
    private static final List<ConfigOption<String>> USER_JVM_OPTIONS = List.of(CoreOptions.FLINK_JVM_OPTIONS,
        CoreOptions.FLINK_TM_JVM_OPTIONS);
    /** What the distribution's config.yaml sets for Java 17 (the export may have been added there too). */
    private static final List<ConfigOption<String>> DEFAULT_JVM_OPTIONS = List.of(CoreOptions.FLINK_DEFAULT_JVM_OPTIONS,
        CoreOptions.FLINK_DEFAULT_TM_JVM_OPTIONS);

    private RuntimeJvmCheck() {
    }

    /**
     * Where a source or sink is built: when the job will run in this JVM (a local environment: the IDE, a test,
     * {@code java -jar}), this JVM must have the flag now. Under {@code flink run} or a REST submission the
     * environment is the cluster's and this JVM needs nothing.
     */
    public static void checkWhereJobIsDefined() {
        if (!AgronaAccess.available()
            && StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment) {
            AgronaAccess.check();
        }
    }

    /**
     * Where a job is planned with its configuration (SQL planning, the jobs' command line): a local target
     * runs here, so this JVM must have the flag; for a cluster target, when this configuration sets the task
     * managers' JVM options (a client with the cluster's config.yaml, or main() run by the JobManager for a REST
     * submission), one of them must contain the export. A configuration that sets none tells nothing: the
     * task managers check themselves when their tasks start.
     */
    public static void checkBeforeSubmission(ReadableConfig config) {
        String target = config.getOptional(DeploymentOptions.TARGET).orElse("local").toLowerCase(Locale.ROOT);
        if (target.equals("local") || target.equals("minicluster")) {
            AgronaAccess.check();
            return;
        }
        boolean set = false;
        for (ConfigOption<String> option : USER_JVM_OPTIONS) {
            set |= config.getOptional(option).isPresent();
        }
        boolean exported = false;
        for (ConfigOption<String> option : USER_JVM_OPTIONS) {
            exported |= config.getOptional(option).filter(o -> o.contains("jdk.internal.misc")).isPresent();
        }
        for (ConfigOption<String> option : DEFAULT_JVM_OPTIONS) {
            exported |= config.getOptional(option).filter(o -> o.contains("jdk.internal.misc")).isPresent();
        }
        if (set && !exported) {
            throw new VyreRuntimeException("the task managers of this " + target + " cluster start without "
                + AgronaAccess.JVM_FLAG + " (none of env.java.opts.all, env.java.opts.taskmanager,"
                + " env.java.default-opts.all, env.java.default-opts.taskmanager has it), which the Vyre runtime needs"
                + " (Agrona 2.x): add 'env.java.opts.all: " + AgronaAccess.JVM_FLAG.replace("-exports ", "-exports=")
                + "' to the cluster's config.yaml and restart it");
        }
    }

    /** Where a reader or writer starts on a task manager: before it takes a split or a record. */
    public static void checkTaskManager() {
        AgronaAccess.check();
    }
}
