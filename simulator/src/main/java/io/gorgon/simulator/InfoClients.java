package io.gorgon.simulator;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
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
    private static final int CONNECT_TIMEOUT_MS = 2000;
    private final WebInstances web;
    private final long[] userIds;
    private final String token;
    private final Duration timeout;
    private final Outcomes outcomes;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    /** With a rate: the start time of the next request, shared by all clients (0 = unpaced). */
    private final long intervalNanos;
    private final java.util.concurrent.atomic.AtomicLong nextSlot = new java.util.concurrent.atomic.AtomicLong();

    InfoClients(WebInstances web, long[] userIds, String token, Duration timeout, Outcomes outcomes, double ratePerS) {
        this.intervalNanos = ratePerS > 0 ? (long) (1e9 / ratePerS) : 0;
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
        // One kept-alive connection per web instance this client talks to (round robin over the live ones).
        java.util.Map<URI, PlainHttp> connections = new java.util.HashMap<>();
        String headers = "Authorization: Bearer " + token + "\r\n";
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try {
            while (running) {
                if (intervalNanos > 0 && !awaitSlot()) continue;
                URI base = web.next();
                if (base == null) { // no live web instance right now (all killed, or not registered yet)
                    outcomes.error("no_web_instance");
                    sleep(100);
                    continue;
                }
                long uid = userIds[ThreadLocalRandom.current().nextInt(userIds.length)];
                PlainHttp http = connections.computeIfAbsent(base, b -> new PlainHttp(b, CONNECT_TIMEOUT_MS));
                long t0 = System.nanoTime();
                try {
                    PlainHttp.Response resp = http.get("/info/" + uid + "?lim=20&off=0", headers, timeoutMs);
                    classify(resp.status(), resp.body(), System.nanoTime() - t0);
                } catch (PlainHttp.ConnectFailed e) {
                    if (e.timedOut) {
                        outcomes.error("connect_timeout"); // nothing was sent: the instance is unreachable, a clear failure
                    } else {
                        outcomes.error("connect_refused");
                        sleep(20); // the instance is gone: don't spin on it until the registry says so
                    }
                } catch (java.net.SocketTimeoutException e) {
                    outcomes.unanswered("timeout");
                } catch (IOException e) {
                    outcomes.error("connection_lost");
                }
            }
        } finally {
            connections.values().forEach(PlainHttp::close);
        }
    }

    /** Waits for this client's turn under the rate; false if stopped meanwhile. A late client does not burst. */
    private boolean awaitSlot() {
        long now = System.nanoTime();
        long slot = nextSlot.getAndUpdate(s -> Math.max(s, now) + intervalNanos);
        while (running && System.nanoTime() < slot) sleep(Math.max(1, (slot - System.nanoTime()) / 1_000_000));
        return running;
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
