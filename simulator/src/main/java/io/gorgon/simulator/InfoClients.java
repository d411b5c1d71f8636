package io.gorgon.simulator;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code clients} closed-loop readers: each sends {@code GET /info/{uid}} for a random user to the next web instance
 * (round robin over the live ones) and, as soon as the answer is in, the next. Closed loop means a slow mesh gets
 * fewer requests rather than a queue of them: latencies are service times under this concurrency.
 */
final class InfoClients {
    private final HttpClient http;
    private final WebInstances web;
    private final long[] userIds;
    private final String token;
    private final Duration timeout;
    private final Outcomes outcomes;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    InfoClients(HttpClient http, WebInstances web, long[] userIds, String token, Duration timeout, Outcomes outcomes) {
        this.http = http;
        this.web = web;
        this.userIds = userIds;
        this.token = token;
        this.timeout = timeout;
        this.outcomes = outcomes;
    }

    void start(int clients) {
        for (int i = 0; i < clients; i++) threads.add(Thread.ofVirtual().name("sim-client-" + i).start(this::loop));
    }

    /** Stops sending new requests, without waiting. */
    void halt() {
        running = false;
    }

    /** Stops sending; waits for the requests in flight to end (each ends by its timeout at the latest). */
    void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(timeout.toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void loop() {
        while (running) {
            URI base = web.next();
            if (base == null) { // no live web instance right now (all killed, or not registered yet)
                outcomes.error("no_web_instance");
                sleep(100);
                continue;
            }
            long uid = userIds[ThreadLocalRandom.current().nextInt(userIds.length)];
            HttpRequest req = HttpRequest.newBuilder(base.resolve("/info/" + uid + "?lim=20&off=0"))
                    .timeout(timeout).header("Authorization", "Bearer " + token).GET().build();
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
                classify(resp.statusCode(), resp.body(), System.nanoTime() - t0);
            } catch (java.net.http.HttpConnectTimeoutException e) {
                outcomes.error("connect_timeout"); // nothing was sent: the instance is unreachable, a clear failure
            } catch (HttpTimeoutException e) {
                outcomes.unanswered("timeout");
            } catch (ConnectException e) {
                outcomes.error("connect_refused");
                sleep(20); // the instance is gone: don't spin on it until the registry says so
            } catch (IOException e) {
                outcomes.error("connection_lost");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void classify(int status, String body, long nanos) {
        if (status == 200 && body.startsWith("{")) {
            outcomes.ok(nanos);
        } else if (status >= 400 && hasErrorField(body)) {
            outcomes.error("http_" + status);
        } else {
            outcomes.unanswered("http_" + status + "_unclear");
        }
    }

    static boolean hasErrorField(String body) {
        try {
            JsonElement e = JsonParser.parseString(body);
            return e.isJsonObject() && e.getAsJsonObject().has("error");
        } catch (RuntimeException notJson) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
