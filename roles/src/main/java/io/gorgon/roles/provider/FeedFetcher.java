package io.gorgon.roles.provider;

import io.gorgon.roles.config.GorgonConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One conditional GET of a feed, within limits: a total deadline ({@code timeoutMs}, including reading the body, so
 * a server trickling bytes cannot hold a poller), a body size cap, and redirects followed by hand (at most
 * {@code maxRedirects}, each hop checked by the {@link UrlGuard}). Never throws: every outcome is a {@link Result}.
 */
final class FeedFetcher implements AutoCloseable {
    static final String USER_AGENT = "Gorgon-FeedProvider/1.0";

    sealed interface Result {
        /** 304: the feed is unchanged since the ETag / Last-Modified we sent. */
        record NotModified() implements Result {}

        record Fetched(byte[] body, String etag, String lastModified) implements Result {}

        /** @param retryAfterMs what the server asked for (Retry-After), or null */
        record Failed(String reason, Integer status, Long retryAfterMs) implements Result {}
    }

    private final GorgonConfig.Feeds cfg;
    private final UrlGuard guard;
    private final HttpClient http;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("feed-deadlines").factory());

    FeedFetcher(GorgonConfig.Feeds cfg, UrlGuard guard) {
        this.cfg = cfg;
        this.guard = guard;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(cfg.timeoutMs())).version(HttpClient.Version.HTTP_1_1).build();
    }

    Result fetch(URI url, String etag, String lastModified) {
        long deadline = System.currentTimeMillis() + cfg.timeoutMs();
        URI at = url;
        for (int hop = 0; ; hop++) {
            PinnedDns.Pin pin;
            try {
                pin = guard.pin(at.getHost()); // the connect below goes to the addresses checked here, not a new lookup's
            } catch (UrlGuard.Refused e) {
                return new Result.Failed(e.getMessage(), null, null);
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                pin.close();
                return new Result.Failed("timed out after " + cfg.timeoutMs() + " ms", null, null);
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(at).timeout(Duration.ofMillis(left)).GET()
                    .header("User-Agent", USER_AGENT)
                    .header("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1");
            if (etag != null && !etag.isEmpty()) req.header("If-None-Match", etag);
            if (lastModified != null && !lastModified.isEmpty()) req.header("If-Modified-Since", lastModified);
            HttpResponse<InputStream> r;
            try (pin) {
                r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                return new Result.Failed("timed out after " + cfg.timeoutMs() + " ms", null, null);
            } catch (IOException e) {
                return new Result.Failed("fetch failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), null, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result.Failed("interrupted", null, null);
            }
            int status = r.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                drain(r);
                String location = r.headers().firstValue("Location").orElse(null);
                if (location == null) return new Result.Failed("redirect " + status + " without Location", status, null);
                if (hop >= cfg.maxRedirects()) return new Result.Failed("more than " + cfg.maxRedirects() + " redirects", status, null);
                try {
                    at = guard.normalise(at.resolve(location).toString()); // checked by the next hop's pin
                } catch (UrlGuard.Refused | IllegalArgumentException e) {
                    return new Result.Failed("redirect refused: " + e.getMessage(), status, null);
                }
                continue;
            }
            if (status == 304) {
                drain(r);
                return new Result.NotModified();
            }
            if (status < 200 || status >= 300) {
                drain(r);
                return new Result.Failed("HTTP " + status, status, retryAfter(r.headers().firstValue("Retry-After").orElse(null)));
            }
            return read(r, deadline);
        }
    }

    private Result read(HttpResponse<InputStream> r, long deadline) {
        long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > cfg.maxBytes()) {
            drain(r);
            return new Result.Failed("body larger than " + cfg.maxBytes() + " bytes", r.statusCode(), null);
        }
        InputStream in = r.body();
        // Closing the stream at the deadline unblocks a read stuck on a server that stopped sending.
        ScheduledFuture<?> cut = deadlines.schedule(() -> closeQuietly(in), Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        try (in) {
            byte[] body = in.readNBytes(cfg.maxBytes() + 1);
            if (body.length > cfg.maxBytes()) return new Result.Failed("body larger than " + cfg.maxBytes() + " bytes", r.statusCode(), null);
            return new Result.Fetched(body, r.headers().firstValue("ETag").orElse(null), r.headers().firstValue("Last-Modified").orElse(null));
        } catch (IOException e) {
            return new Result.Failed(System.currentTimeMillis() >= deadline ? "timed out after " + cfg.timeoutMs() + " ms reading the body"
                    : "read failed: " + e.getMessage(), r.statusCode(), null);
        } finally {
            cut.cancel(false);
        }
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null if absent or unreadable. */
    static Long retryAfter(String v) {
        if (v == null || v.isBlank()) return null;
        try {
            return Math.max(0, Long.parseLong(v.strip())) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                return Math.max(0, ZonedDateTime.parse(v.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    private static void drain(HttpResponse<InputStream> r) {
        closeQuietly(r.body());
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to do: the connection is dropped
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        http.close();
    }
}
