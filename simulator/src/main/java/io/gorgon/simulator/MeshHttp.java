package io.gorgon.simulator;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** The few web-API calls the load needs besides the reads: one real user, registered and logged in over HTTP. */
final class MeshHttp {
    private final HttpClient http;
    private final Duration timeout;

    MeshHttp(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /** Registers a fresh load user and logs it in; returns its bearer token. Throws with a readable message. */
    String loadUserToken(URI base, String runTag) throws IOException, InterruptedException {
        String email = "sim-load-" + runTag + "@" + SyntheticData.EMAIL_DOMAIN;
        // The same password on every attempt: a register that timed out on our side may still have landed, and the
        // retry then gets 409 and must log in with what was registered (a fresh one per attempt gave a 401).
        String password = UUID.nameUUIDFromBytes(("gorgon-sim-load-" + runTag).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        JsonObject reg = new JsonObject();
        reg.addProperty("name", "Simulator load " + runTag);
        reg.addProperty("email", email);
        reg.addProperty("password", password);
        HttpResponse<String> r = post(base.resolve("/auth/register"), reg);
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IOException("POST /auth/register on " + base + " answered " + r.statusCode() + ": " + snippet(r.body()));
        }
        JsonObject login = new JsonObject();
        login.addProperty("email", email);
        login.addProperty("password", password);
        r = post(base.resolve("/auth/login"), login);
        if (r.statusCode() != 200) {
            throw new IOException("POST /auth/login on " + base + " answered " + r.statusCode() + ": " + snippet(r.body()));
        }
        try {
            return JsonParser.parseString(r.body()).getAsJsonObject().get("token").getAsString();
        } catch (RuntimeException e) {
            throw new IOException("POST /auth/login on " + base + " returned no token: " + snippet(r.body()));
        }
    }

    private HttpResponse<String> post(URI uri, JsonObject body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static String snippet(String body) {
        String s = body == null ? "" : body.replaceAll("\\s+", " ");
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
