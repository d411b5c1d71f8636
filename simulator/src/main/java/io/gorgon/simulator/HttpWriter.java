package io.gorgon.simulator;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notes created the way users create them, {@code POST /items} through web → auth → app → store, so the checker also
 * covers the hops upstream of the store (a crash there could store a note twice under two ids). One closed-loop
 * writer at a steady rate: a 201 is acknowledged (its id is in the answer); anything else leaves the outcome unknown,
 * recorded by the note's {@code simseq}, since its id was never seen. Sequence numbers start at {@link #SEQ_BASE} so
 * they never meet the inserter's.
 */
final class HttpWriter {
    static final long SEQ_BASE = 1L << 40;

    private final WebInstances web;
    private final HttpClient http;
    private final String token;
    private final double rate;
    private final String runTag;
    private final Duration timeout;
    private final LongBag acknowledged = new LongBag();
    private final LongBag unknownSeqs = new LongBag();
    private final AtomicLong attempted = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    HttpWriter(WebInstances web, HttpClient http, String token, double rate, String runTag, Duration timeout) {
        this.web = web;
        this.http = http;
        this.token = token;
        this.rate = rate;
        this.runTag = runTag;
        this.timeout = timeout;
    }

    void start() {
        if (rate <= 0 || token == null) return;
        thread = Thread.ofPlatform().name("sim-http-writer").daemon().start(this::loop);
    }

    /** Stops and waits for the request in flight to end (at most its timeout). */
    void stop() {
        running = false;
        if (thread == null) return;
        try {
            thread.join(timeout.toMillis() + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        Pacer pacer = new Pacer(rate);
        long seq = SEQ_BASE;
        while (running && pacer.awaitNext(Long.MAX_VALUE)) {
            List<URI> bases = web.current();
            if (bases.isEmpty()) continue;
            URI base = bases.get(ThreadLocalRandom.current().nextInt(bases.size()));
            long s = seq++;
            JsonObject note = new JsonObject();
            note.addProperty("title", "simulated note " + s);
            note.addProperty("simrun", runTag);
            note.addProperty("simseq", s);
            attempted.incrementAndGet();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/items")).timeout(timeout)
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(note.toString())).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 201) {
                    acknowledged.add(Long.parseLong(JsonParser.parseString(r.body()).getAsJsonObject().get("id").getAsString()));
                } else {
                    unknownSeqs.add(s);
                }
            } catch (InterruptedException e) {
                unknownSeqs.add(s);
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                unknownSeqs.add(s); // timeout, reset, unparsable answer: maybe stored, maybe not
            }
        }
    }

    long attempted() {
        return attempted.get();
    }

    long[] acknowledged() {
        return acknowledged.toArray();
    }

    long[] unknownSeqs() {
        return unknownSeqs.toArray();
    }
}
