package io.vyre.flink.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Flink's SQL gateway ({@code org.apache.flink.table.gateway.SqlGateway}) as its own JVM in front of a session
 * cluster, and the few calls of its REST API (v4) a client makes: open a session, run a statement, page through
 * its result.
 */
final class SqlGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process process;
    private final String base;

    /** Starts the gateway with {@code classpath} (the cluster's lib/), pointed at the cluster's REST endpoint. */
    SqlGateway(StandaloneCluster cluster, String classpath, String flinkConfig) throws IOException, InterruptedException {
        Path conf = Files.createDirectories(cluster.work().resolve("gateway-conf"));
        Files.writeString(conf.resolve("config.yaml"), flinkConfig);
        int port = StandaloneCluster.freePort();
        base = "http://127.0.0.1:" + port;
        List<String> cmd = new ArrayList<>();
        cmd.add(StandaloneCluster.java());
        cmd.addAll(cluster.jvmFlags());
        cmd.addAll(List.of("-cp", classpath, "org.apache.flink.table.gateway.SqlGateway",
            "-Dsql-gateway.endpoint.rest.address=127.0.0.1", "-Dsql-gateway.endpoint.rest.port=" + port,
            "-Dexecution.target=remote", "-Drest.address=127.0.0.1", "-Drest.port=" + cluster.restPort()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(cluster.work().resolve("sql-gateway.out").toFile());
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        process = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                if (get("/v1/info").path("version").asText().length() > 0) {
                    return;
                }
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("the SQL gateway did not answer on " + base + " within 90 s: "
                        + Files.readString(cluster.work().resolve("sql-gateway.out")));
                }
            }
            Thread.sleep(300);
        }
    }

    /** POST /v4/sessions; returns the session handle. */
    String openSession(Map<String, String> properties) throws IOException, InterruptedException {
        return post("/v4/sessions", JSON.createObjectNode().put("sessionName", "e2e")
            .set("properties", JSON.valueToTree(properties))).path("sessionHandle").asText();
    }

    /**
     * Runs one statement and returns its rows' fields (for DDL: one row "OK"); a failed statement throws with the
     * gateway's message, whose root cause names what went wrong.
     */
    List<List<Object>> execute(String session, String statement, Duration timeout)
        throws IOException, InterruptedException {
        String operation = post("/v4/sessions/" + session + "/statements", JSON.createObjectNode()
            .put("statement", statement)).path("operationHandle").asText();
        List<List<Object>> rows = new ArrayList<>();
        String next = "/v4/sessions/" + session + "/operations/" + operation + "/result/0?rowFormat=JSON";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (next != null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no end of the result of '" + statement + "' within " + timeout);
            }
            JsonNode page = get(next);
            String type = page.path("resultType").asText();
            for (JsonNode row : page.path("results").path("data")) {
                List<Object> fields = new ArrayList<>();
                row.path("fields").forEach(f -> fields.add(f.isNumber() ? f.numberValue() : f.asText()));
                rows.add(fields);
            }
            next = type.equals("EOS") || !page.hasNonNull("nextResultUri") ? null : page.path("nextResultUri").asText();
            if (type.equals("NOT_READY")) {
                Thread.sleep(200);
            }
        }
        return rows;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        return parse("GET " + path, r);
    }

    private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
            HttpResponse.BodyHandlers.ofString());
        return parse("POST " + path, r);
    }

    private static JsonNode parse(String what, HttpResponse<String> r) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new GatewayError(what + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** A statement or call the gateway refused; the message carries its server-side cause. */
    static final class GatewayError extends IOException {
        private static final long serialVersionUID = 1L;

        GatewayError(String message) {
            super(message);
        }
    }
}
