package io.vyre.flink;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * Adobe's S3Mock, an S3-compatible server, in a JVM of its own (its Spring Boot and AWS SDK stay off Flink's
 * classpath), started from the classpath the {@code tools/s3mock} module writes, with one bucket, {@link #BUCKET}.
 * {@link #flinkConfiguration()} points Flink's {@code s3://} file system (flink-s3-fs-hadoop) at it.
 */
final class S3MockServer implements AutoCloseable {
    static final String BUCKET = "vyre";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path log;
    private final int port;

    private S3MockServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the server and waits until it answers, failing with its log when it does not. */
    static S3MockServer start() {
        String classpathFile = System.getProperty("s3mock.classpath.file");
        try {
            if (classpathFile == null || !Files.isRegularFile(Path.of(classpathFile))) {
                throw new IllegalStateException("no S3Mock classpath at " + classpathFile + ": build the tools/s3mock"
                    + " module first (mvn verify from the repository root builds it before the connector)");
            }
            String classpath = Files.readString(Path.of(classpathFile)).trim();
            int http = freePort();
            int https = freePort();
            Path root = Files.createTempDirectory("s3mock-root");
            Path log = Files.createTempFile("s3mock", ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", classpath,
                "com.adobe.testing.s3mock.S3MockApplication",
                "--com.adobe.testing.s3mock.http-port=" + http, "--server.port=" + https,
                "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
                "--com.adobe.testing.s3mock.store.root=" + root))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            S3MockServer server = new S3MockServer(process, log, http);
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            server.awaitUp();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Mock: " + e.getMessage(), e);
        }
    }

    private void awaitUp() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/" + BUCKET).toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(1000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while S3Mock started", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("S3Mock did not answer within " + START_TIMEOUT + ":\n" + tail());
    }

    String endpoint() {
        return "http://localhost:" + port;
    }

    /** Flink's s3:// file system (flink-s3-fs-hadoop) on this server: path-style, plain HTTP, any credentials. */
    Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        conf.setString("s3.endpoint", endpoint());
        conf.setString("s3.endpoint.region", "us-east-1");
        conf.setString("s3.path.style.access", "true");
        conf.setString("s3.access-key", "vyre");
        conf.setString("s3.secret-key", "vyre");
        return conf;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
