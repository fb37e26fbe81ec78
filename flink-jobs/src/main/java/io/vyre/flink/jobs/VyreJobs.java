package io.vyre.flink.jobs;

import io.vyre.flink.jobs.cli.JobEnvironment;
import io.vyre.flink.jobs.cli.UserError;
import io.vyre.flink.jobs.redact.RedactCommand;
import io.vyre.flink.jobs.scan.ScanCommand;
import io.vyre.flink.jobs.sql.SqlCommand;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar vyre-flink-jobs.jar <scan|redact|sql> ...}: the jobs run on an embedded local Flink
 * cluster, or on a real one when submitted with {@code flink run} or the REST API.
 *
 * <p>User errors end the program with exit code 2 (bad arguments) or 1 (the job could not run) and one
 * line on stderr starting with {@code error:}; {@code --verbose} adds the stack trace. On a cluster the
 * program never calls {@link System#exit}: it throws, and the cluster reports the failed submission.
 */
@Command(name = "vyre-flink-jobs", mixinStandardHelpOptions = true, versionProvider = VyreJobs.Version.class,
    description = "Flink jobs on the Vyre megakernel (GPU or CPU): multi-pattern scanning, redaction, SQL.",
    subcommands = {ScanCommand.class, RedactCommand.class, SqlCommand.class})
public final class VyreJobs implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    /** Without a command there is nothing to run. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: no command: use one of scan, redact, sql (see vyre-flink-jobs --help)");
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        if (verbose) {
            logEverythingAtInfo();
        }
        if (!JobEnvironment.embedded()) {
            // inside 'flink run' or a REST submission: exiting would take the client (or JobManager) down
            int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
            if (code != EXIT_OK) {
                throw new IllegalArgumentException("vyre-flink-jobs " + String.join(" ", args) + " failed (exit code "
                    + code + "): see the error line above");
            }
            return;
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** --verbose: INFO for every logger, when log4j is the logging back-end (it is in the shaded jar). */
    private static void logEverythingAtInfo() {
        try {
            Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.INFO);
        } catch (LinkageError e) {
            System.err.println("note: --verbose sets log levels through log4j, which is not on this classpath;"
                + " configure the SLF4J binding in use instead");
        }
    }

    /** Parses and runs one command; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        CommandLine cli = new CommandLine(VyreJobs.class);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage() + " (see " + e.getCommandLine().getCommandSpec().qualifiedName()
                + " --help)");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserError) {
                err.println("error: " + e.getMessage());
                if (verbose) {
                    e.printStackTrace(err);
                }
                return ((UserError) e).exitCode();
            }
            err.println("error: " + describe(e) + (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return EXIT_FAILED;
        });
        return cli.execute(args);
    }

    /** The innermost message of a failure chain, which is where Flink puts what went wrong. */
    static String describe(Throwable e) {
        Throwable root = e;
        String message = e.getMessage();
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null && !root.getMessage().isBlank()) {
                message = root.getMessage();
            }
        }
        if (message == null || message.isBlank()) {
            message = root.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message);
    }

    /** The version of the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VyreJobs.class.getPackage().getImplementationVersion();
            return new String[] {"vyre-flink-jobs " + (v == null ? "(development build)" : v)};
        }
    }
}
