package io.vyre.flink.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.VyreRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** A JVM without Agrona's export is named where the job is defined or submitted, not at its first record. */
class RuntimeJvmCheckTest {
    private static final String EXPORT = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    /** Run in a JVM started without the export: builds a source as a job's main() on a local environment does. */
    public static void main(String[] args) {
        try {
            VyreSource.builder().setPaths("/tmp").setProgram(VyrePrograms.lineTexts()).build();
            System.out.println("built");
        } catch (VyreRuntimeException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }

    @Test
    void shouldRefuseToDefineALocalJobInAJvmWithoutTheExport() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
            RuntimeJvmCheckTest.class.getName()).redirectErrorStream(true).start();
        String out;
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
        assertThat(out).contains("refused: Agrona cannot access off-heap memory on this JVM")
            .contains("--add-exports java.base/jdk.internal.misc=ALL-UNNAMED")
            .contains("'env.java.opts.all: " + EXPORT + "' in config.yaml");
    }

    @Test
    void shouldRefuseAClusterWhoseTaskManagersStartWithoutTheExport() {
        Configuration conf = new Configuration();
        conf.setString("execution.target", "remote");
        conf.setString("env.java.opts.all", "-XX:+UseG1GC");
        assertThatThrownBy(() -> RuntimeJvmCheck.checkBeforeSubmission(conf)).isInstanceOf(VyreRuntimeException.class)
            .hasMessageContaining("task managers of this remote cluster start without")
            .hasMessageContaining("'env.java.opts.all: " + EXPORT + "'");
    }

    @Test
    void shouldAcceptAClusterWithTheExportOrOneWhoseOptionsThisClientCannotSee() {
        for (List<String> setting : List.of(List.of("env.java.opts.all", "-Xss2m " + EXPORT),
            List.of("env.java.opts.taskmanager", EXPORT), List.of("env.java.default-opts.all", "-Dx=1"))) {
            Configuration conf = new Configuration();
            conf.setString("execution.target", "remote");
            conf.setString(setting.get(0), setting.get(1));
            assertThatCode(() -> RuntimeJvmCheck.checkBeforeSubmission(conf)).as(setting.toString())
                .doesNotThrowAnyException();
        }
        Configuration both = new Configuration();
        both.setString("execution.target", "remote");
        both.setString("env.java.opts.taskmanager", "-Xss2m");
        both.setString("env.java.default-opts.all", EXPORT);
        assertThatCode(() -> RuntimeJvmCheck.checkBeforeSubmission(both)).doesNotThrowAnyException();
    }

    @Test
    void shouldCheckThisJvmForALocalTarget() {
        // the tests run with the export, so this JVM passes; without it, the first test shows the refusal
        Configuration conf = new Configuration();
        conf.setString("execution.target", "local");
        assertThatCode(() -> RuntimeJvmCheck.checkBeforeSubmission(conf)).doesNotThrowAnyException();
    }
}
