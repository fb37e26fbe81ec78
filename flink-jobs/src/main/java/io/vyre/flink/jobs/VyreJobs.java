package io.vyre.flink.jobs;

import io.vyre.flink.jobs.cli.JobEnvironment;
import io.vyre.flink.jobs.cli.UserError;
import io.vyre.flink.jobs.peers.PeerCommand;
import io.vyre.flink.jobs.redact.RedactCommand;
import io.vyre.flink.jobs.scan.BaselineCommand;
import io.vyre.flink.jobs.scan.GenerateCommand;
import io.vyre.flink.jobs.scan.ScanCommand;
import io.vyre.flink.jobs.sql.SqlCommand;
import io.vyre.flink.jobs.cli.ProgressReporter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystemException;
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
 * {@code java -jar vyre-flink-jobs-embedded.jar <scan|redact|sql> ...}: the jobs run on an embedded local Flink
 * cluster, or on a real one when submitted with {@code flink run} or the REST API.
 *
 * <p>User errors end the program with exit code 2 (bad arguments) or 1 (the job could not run) and one
 * line on stderr starting with {@code error:}; {@code --verbose} adds the stack trace. On a cluster the
 * program never calls {@link System#exit}: it throws, and the cluster reports the failed submission.
 */
@Command(name = "vyre-flink-jobs", mixinStandardHelpOptions = true, versionProvider = VyreJobs.Version.class,
    description = "Flink jobs on the Vyre megakernel (GPU or CPU): multi-pattern scanning, redaction, SQL.",
    subcommands = {ScanCommand.class, RedactCommand.class, SqlCommand.class, GenerateCommand.class,
        BaselineCommand.class, PeerCommand.class})
public final class VyreJobs implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    /** Flink's signal that a plan was extracted from main(): it must reach Flink untouched. */
    private static final String PROGRAM_ABORT = "org.apache.flink.client.program.ProgramAbortException";

    @Spec
    CommandSpec spec;

    /** Without a command there is nothing to run. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: no command: use one of scan, redact, sql (see vyre-flink-jobs --help)");
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        if (!JobEnvironment.embedded()) {
            // inside 'flink run' or a REST submission: exiting would take the client (or the JobManager) down,
            // and the REST caller sees only the exception, so the error line travels in it
            StringWriter err = new StringWriter();
            int code = run(args, new PrintWriter(System.out, true), new PrintWriter(err, true));
            System.err.print(err);
            if (code != EXIT_OK) {
                throw new IllegalArgumentException(err.toString().strip() + " (exit code " + code + ")");
            }
            return;
        }
        if (Arrays.asList(args).contains("--verbose")) {
            logEverythingAtInfo();
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
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, err, verbose));
        try {
            return cli.execute(args);
        } catch (Error e) {
            if (e.getClass().getName().equals(PROGRAM_ABORT)) {
                throw e;
            }
            return report(e, err, verbose);
        }
    }

    private static int report(Throwable e, PrintWriter err, boolean verbose) {
        ProgressReporter.finishLine();
        if (e instanceof UserError) {
            err.println("error: " + e.getMessage());
        } else {
            err.println("error: " + describe(e) + (verbose ? "" : " (run with --verbose for the stack trace)"));
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        return e instanceof UserError ? ((UserError) e).exitCode() : EXIT_FAILED;
    }

    /**
     * What went wrong, in one line: the message of the deepest exception in the chain that this project
     * threw (it names the file, the setting or the fix), else the innermost message, which is where Flink
     * puts the cause. File-system errors carry only a path as message, so their kind is added.
     */
    static String describe(Throwable e) {
        Throwable ours = null;
        Throwable innermost = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                innermost = t;
                StackTraceElement[] at = t.getStackTrace();
                if (at.length > 0 && at[0].getClassName().startsWith("io.vyre.")) {
                    ours = t;
                }
            }
        }
        Throwable chosen = ours != null ? ours : innermost;
        String message = chosen.getMessage() == null || chosen.getMessage().isBlank()
            ? chosen.getClass().getSimpleName() : chosen.getMessage();
        if (chosen instanceof FileSystemException) {
            message = chosen.getClass().getSimpleName() + ": " + message;
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
