package io.vyre.flink.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/** The few calls of Flink's REST API a user makes to submit and watch a jar's job. */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    FlinkRest(String base) {
        this.base = base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        return parse("GET " + path, r);
    }

    /** POST /jars/upload as multipart form data (what {@code curl -F jarfile=@job.jar} sends); returns the jar id. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "vyre-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
            + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/jars/upload")).timeout(Duration.ofMinutes(2))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofString(tail)))
            .build();
        JsonNode uploaded = parse("POST /jars/upload", http.send(request, HttpResponse.BodyHandlers.ofString()));
        String file = uploaded.path("filename").asText();
        return Path.of(file).getFileName().toString();
    }

    /** POST /jars/:id/run; returns the job id. */
    String run(String jarId, List<String> args, int parallelism) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("parallelism", parallelism)
            .set("programArgsList", JSON.valueToTree(args)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId + "/run"))
            .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return parse("POST /jars/" + jarId + "/run", http.send(request, HttpResponse.BodyHandlers.ofString()))
            .path("jobid").asText();
    }

    private static JsonNode parse(String what, HttpResponse<String> r) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new IOException(what + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
