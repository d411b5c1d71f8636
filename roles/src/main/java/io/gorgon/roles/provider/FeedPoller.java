package io.gorgon.roles.provider;

import com.codahale.metrics.Counter;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusMetrics;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.config.GorgonConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the feeds that are due, shared with every other provider instance through {@link FeedRegistry}: claims as
 * many due feeds as it has free slots ({@code provider.feeds.pollers}), fetches each on a virtual thread, sends what
 * changed to provider_data (durably, before recording the poll, so a crash in between means a refetch, never a lost
 * entry) and schedules the next poll by {@link FeedPolicy}. An unchanged feed costs a 304, or a body hash compare.
 */
final class FeedPoller {
    private static final Logger log = LoggerFactory.getLogger(FeedPoller.class);
    static final int ENTRIES_PER_MESSAGE = 25;

    private final FeedRegistry registry;
    private final FeedFetcher fetcher;
    private final FeedPolicy policy;
    private final GorgonConfig.Feeds cfg;
    private final Bus bus;
    private final String instance;
    private final Semaphore slots;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong claims = new AtomicLong();
    private final Counter polls, notModified, unchanged, errors;
    /** Fetch time of every poll, and of the 304s and the failures alone: polls/s, 304 share, errors/s on the stats page. */
    private final BusMetrics.Latency fetchAll, fetch304, fetchError;
    private volatile boolean running = true;
    private Thread loop;

    FeedPoller(FeedRegistry registry, FeedFetcher fetcher, GorgonConfig.Feeds cfg, Bus bus, String instance) {
        this.registry = registry;
        this.fetcher = fetcher;
        this.policy = new FeedPolicy(cfg);
        this.cfg = cfg;
        this.bus = bus;
        this.instance = instance;
        this.slots = new Semaphore(cfg.pollers());
        var m = bus.metrics().registry();
        this.polls = m.counter("feeds.polls");
        this.notModified = m.counter("feeds.notModified");
        this.unchanged = m.counter("feeds.unchanged");
        this.errors = m.counter("feeds.errors");
        this.fetchAll = bus.metrics().latency("feed.fetch");
        this.fetch304 = bus.metrics().latency("feed.fetch.304");
        this.fetchError = bus.metrics().latency("feed.fetch.error");
    }

    void start() {
        loop = Thread.ofPlatform().name("feed-poller").daemon().start(this::run);
    }

    private void run() {
        while (running) {
            int claimed = 0;
            try {
                int free = slots.availablePermits();
                List<FeedRegistry.Claimed> due = registry.claim(System.currentTimeMillis(), cfg.leaseMs(), free,
                        instance + ":" + claims.incrementAndGet());
                for (FeedRegistry.Claimed c : due) {
                    slots.acquireUninterruptibly();
                    workers.execute(() -> {
                        try {
                            poll(c);
                        } catch (RuntimeException e) {
                            log.warn("event=feed_poll_failed feed={} cause=\"{}\"", c.id(), e.toString());
                        } finally {
                            slots.release();
                        }
                    });
                }
                claimed = due.size();
            } catch (RuntimeException e) {
                log.warn("event=feed_claim_failed cause=\"{}\"", e.toString()); // Redis down: try again shortly
            }
            try {
                Thread.sleep(claimed > 0 ? 10 : 100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void poll(FeedRegistry.Claimed c) {
        long start = System.currentTimeMillis();
        polls.inc();
        long t0 = System.nanoTime();
        FeedFetcher.Result r = fetcher.fetch(URI.create(c.url()), c.etag(), c.lastModified());
        long micros = (System.nanoTime() - t0) / 1000;
        fetchAll.record(micros);
        if (r instanceof FeedFetcher.Result.NotModified) fetch304.record(micros);
        if (r instanceof FeedFetcher.Result.Failed) fetchError.record(micros);
        long now = System.currentTimeMillis();
        long interval = policy.interval(c.followers(), c.gapMs());
        Map<String, String> f = new HashMap<>();
        f.put("lastFetch", Long.toString(now));
        f.put("interval", Long.toString(interval));
        switch (r) {
            case FeedFetcher.Result.NotModified nm -> {
                notModified.inc();
                f.putAll(Map.of("lastStatus", "304", "failures", "0", "lastError", ""));
                registry.complete(c, now + interval, "notModified", f);
            }
            case FeedFetcher.Result.Fetched ok -> {
                String hash = FeedParser.sha256(ok.body());
                f.putAll(Map.of("lastStatus", "200", "failures", "0", "lastError", ""));
                f.put("etag", ok.etag());
                f.put("lastModified", ok.lastModified());
                if (hash.equals(c.hash())) {
                    unchanged.inc(); // a server without validators: the hash still spares the parse and the ingest
                    registry.complete(c, now + interval, "unchanged", f);
                    return;
                }
                List<JsonObject> entries;
                try {
                    entries = FeedParser.parse(ok.body(), cfg.maxEntries());
                } catch (FeedParser.Malformed e) {
                    fail(c, e.getMessage(), 200, null, f, now);
                    return;
                }
                send(c.id(), entries, now);
                f.put("hash", hash);
                registry.complete(c, now + interval, "fetched", f);
            }
            case FeedFetcher.Result.Failed err -> fail(c, err.reason(), err.status(), err.retryAfterMs(), f, now);
        }
        log.debug("event=feed_polled feed={} ms={}", c.id(), System.currentTimeMillis() - start);
    }

    private void fail(FeedRegistry.Claimed c, String reason, Integer status, Long retryAfterMs, Map<String, String> f, long now) {
        errors.inc();
        int failures = c.failures() + 1;
        long wait = policy.backoff(failures, retryAfterMs);
        f.put("lastStatus", status == null ? "0" : status.toString());
        f.put("lastError", reason);
        f.put("failures", Integer.toString(failures));
        f.put("interval", Long.toString(wait));
        registry.complete(c, now + wait, "errors", f);
        log.info("event=feed_error feed={} failures={} retryInMs={} reason=\"{}\"", c.id(), failures, wait, reason);
    }

    /** The entries onto provider_data, in chunks; returns once Redis has them all (throws if not: no poll recorded). */
    private void send(String feedId, List<JsonObject> entries, long now) {
        CompletableFuture<?>[] sends = new CompletableFuture<?>[(entries.size() + ENTRIES_PER_MESSAGE - 1) / ENTRIES_PER_MESSAGE];
        for (int i = 0, k = 0; i < entries.size(); i += ENTRIES_PER_MESSAGE, k++) {
            JsonObject body = new JsonObject();
            body.addProperty("feed", feedId);
            body.addProperty("fetchedAt", now);
            JsonArray a = new JsonArray();
            entries.subList(i, Math.min(entries.size(), i + ENTRIES_PER_MESSAGE)).forEach(a::add);
            body.add("entries", a);
            sends[k] = bus.sendAsync(Protocol.PROVIDER_DATA, Protocol.PROVIDER_FEED_ENTRIES, body);
        }
        CompletableFuture.allOf(sends).join();
    }

    void stop() {
        running = false;
        if (loop != null) loop.interrupt();
        workers.shutdown();
        try {
            // Polls in flight finish (bounded by the fetch timeout); an unfinished one is retaken when its lease ends.
            workers.awaitTermination(cfg.timeoutMs() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
