package io.gorgon.roles.provider;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP endpoint for webhook tests: {@code /ok/<name>} accepts, {@code /flaky/<name>} fails each event's first
 * two attempts, {@code /dead/<name>} always answers 500, {@code /slow/<name>} takes 3 s. Every request is recorded
 * with its headers, body and whether its signature verified against the secret the test registered for it.
 */
final class WebhookReceiver implements AutoCloseable {
    record Delivery(String path, String eventId, String type, JsonObject body, boolean signatureValid, long receivedAt) {}

    private final HttpServer server;
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::serve);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Delivery> at(String path) {
        return deliveries.stream().filter(d -> d.path().equals(path)).toList();
    }

    private void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String ts = ex.getRequestHeaders().getFirst("X-Gorgon-Timestamp");
        String sig = ex.getRequestHeaders().getFirst("X-Gorgon-Signature");
        String secret = secrets.get(path);
        boolean valid = secret != null && sig != null && sig.equals("sha256=" + WebhookSender.sign(secret, ts + "." + body));
        String eventId = ex.getRequestHeaders().getFirst("X-Gorgon-Event-Id");
        if (path.startsWith("/slow/")) {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deliveries.add(new Delivery(path, eventId, ex.getRequestHeaders().getFirst("X-Gorgon-Event"),
                JsonParser.parseString(body).getAsJsonObject(), valid, System.nanoTime()));
        int status = 200;
        if (path.startsWith("/dead/")) status = 500;
        if (path.startsWith("/flaky/") && attempts.computeIfAbsent(eventId, k -> new AtomicInteger()).incrementAndGet() <= 2) status = 502;
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
