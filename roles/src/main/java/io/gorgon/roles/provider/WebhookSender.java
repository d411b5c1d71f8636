package io.gorgon.roles.provider;

import com.codahale.metrics.Counter;
import com.google.gson.JsonObject;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Message;
import io.gorgon.roles.config.GorgonConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one item event to one webhook (a provider_put message): POST of the event's JSON, signed. Anything but
 * a 2xx throws, so the bus retries it with its backoff and, after {@code provider.webhooks.maxDeliveries}, moves it
 * to provider_put's dead letters with the reason ({@code gorgon dlq list provider_put}, the stats page). Each
 * delivery runs on its own virtual thread with a hard timeout, so a slow or dead endpoint only ever holds its own
 * deliveries, never another webhook's.
 *
 * <p>Headers: {@code X-Gorgon-Event-Id} (the same on every retry of one event: receivers dedupe on it, delivery is
 * at-least-once), {@code X-Gorgon-Event}, {@code X-Gorgon-Timestamp} (seconds) and {@code X-Gorgon-Signature:
 * sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}; the timestamp inside the MAC lets a receiver refuse
 * replays of old deliveries.
 */
final class WebhookSender {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final WebhookRegistry registry;
    private final GorgonConfig.Webhooks cfg;
    private final UrlGuard guard;
    private final HttpClient http;
    private final Counter delivered, failed;

    WebhookSender(WebhookRegistry registry, GorgonConfig.Webhooks cfg, UrlGuard guard, com.codahale.metrics.MetricRegistry metrics) {
        this.registry = registry;
        this.cfg = cfg;
        this.guard = guard;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(cfg.timeoutMs())).build();
        this.delivered = metrics.counter("webhooks.delivered");
        this.failed = metrics.counter("webhooks.failed");
    }

    void onDelivery(Message m) throws Exception {
        JsonObject body = m.body() != null && m.body().isJsonObject() ? m.body().getAsJsonObject() : null;
        if (body == null || !body.has("webhook") || !body.has("event")) throw new HandlerFailure(400, "needs {webhook, event}");
        WebhookRegistry.Webhook w = registry.get(body.get("webhook").getAsString());
        if (w == null) return; // deleted since: nothing to deliver
        JsonObject event = body.getAsJsonObject("event");
        String payload = event.toString();
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        URI url = URI.create(w.url());
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(cfg.timeoutMs()))
                .header("Content-Type", "application/json")
                .header("User-Agent", FeedFetcher.USER_AGENT)
                .header("X-Gorgon-Event-Id", event.get("id").getAsString())
                .header("X-Gorgon-Event", event.get("type").getAsString())
                .header("X-Gorgon-Timestamp", ts)
                .header("X-Gorgon-Signature", "sha256=" + sign(w.secret(), ts + "." + payload))
                .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8)).build();
        HttpResponse<Void> r;
        // pin throws Refused (checked): a retry, then a dead letter with the reason
        try (PinnedDns.Pin pin = guard.pin(url.getHost())) {
            r = http.send(req, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            failed.inc();
            throw new IOException("webhook " + w.id() + " " + url.getHost() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        if (r.statusCode() / 100 != 2) {
            failed.inc();
            throw new IOException("webhook " + w.id() + " " + url.getHost() + " answered HTTP " + r.statusCode());
        }
        delivered.inc();
        log.debug("event=webhook_delivered webhook={} event={} attempt={}", w.id(), event.get("id").getAsString(), m.deliveries());
    }

    static String sign(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    void close() {
        http.close();
    }
}
