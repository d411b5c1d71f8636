package io.gorgon.roles.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON HTTP client for tests. */
public final class Http {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public record Response(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonObject json() {
            JsonElement e = JsonParser.parseString(body);
            return e.getAsJsonObject();
        }

        public String error() {
            return json().get("error").getAsString();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String url, String token) {
        return send(builder(url, token).GET());
    }

    public Response delete(String url, String token) {
        return send(builder(url, token).DELETE());
    }

    public Response post(String url, String token, String json) {
        return send(builder(url, token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A PATCH with a JSON merge patch; {@code ifMatch} null sends no If-Match header. */
    public Response patch(String url, String token, String json, String ifMatch) {
        HttpRequest.Builder b = builder(url, token).header("Content-Type", "application/merge-patch+json");
        if (ifMatch != null) b.header("If-Match", ifMatch);
        return send(b.method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response request(String method, String url, String token, String contentType, String body) {
        HttpRequest.Builder b = builder(url, token);
        if (contentType != null) b.header("Content-Type", contentType);
        return send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpRequest.Builder builder(String url, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            return new Response(-1, e.toString(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, "interrupted", null);
        }
    }
}
