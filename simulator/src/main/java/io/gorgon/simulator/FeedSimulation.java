package io.gorgon.simulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * {@code gorgon simulate --feeds N}: drives the provider's feeds and webhooks through the public API against a
 * running mesh, with its own {@link FeedSimServer}. Users follow the N feeds with Zipf-distributed follower counts
 * (feed of rank r: users/r followers), entries are published over time, provider instances may be SIGKILLed, and
 * at the end a Jepsen-style check: every published entry of a readable feed is exactly one item of its feed, and
 * every item of a feed a webhook covers reached the webhook at least once. Also reported: polls per feed against
 * followers (is the weighting honoured?), the share of 304s, and freshness (entry published → event on a WebSocket).
 * The feeds benchmark ({@code scripts/bench feeds}) runs the same with {@code plain} feeds, few of them changing.
 *
 * @param users        API users to register (followers are spread over them)
 * @param meanGap      mean time between two entries of one publishing feed
 * @param plain        no slow, failing or hostile feeds
 * @param changing     share of the feeds that publish at all (the others answer 304 forever)
 */
public record FeedSimulation(int feeds, int users, Duration duration, Duration meanGap, boolean chaos, Duration killEvery,
                             Duration drainTimeout, String redisUri, String namespace, boolean plain, double changing) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Concurrent API calls while following and checking: enough to keep a mesh busy, few enough for 2 cores. */
    private static final int API_CONCURRENCY = 16;
    /** How long to wait for web and notify to advertise their ports (a mesh just started is live a moment before). */
    private static final Duration ENDPOINT_WAIT = Duration.ofSeconds(30);

    public FeedSimulation {
        if (feeds < 1) throw new IllegalArgumentException("--feeds must be >= 1, got " + feeds);
        if (users < 1) throw new IllegalArgumentException("--users must be >= 1, got " + users);
        if (!(changing > 0 && changing <= 1)) throw new IllegalArgumentException("changing share must be in (0, 1], got " + changing);
    }

    public FeedSimulation(int feeds, int users, Duration duration, Duration meanGap, boolean chaos, Duration killEvery,
                          Duration drainTimeout, String redisUri, String namespace) {
        this(feeds, users, duration, meanGap, chaos, killEvery, drainTimeout, redisUri, namespace, false, 1);
    }

    /**
     * What a run found. The load window runs from {@code loadStartMs} (every feed polled once) to {@code loadEndMs}
     * (publishing stopped); {@code load*} counts are the feed server's within it.
     *
     * @param pollsByFollowers followers → {feeds with that many followers, polls per feed in the load window}, over
     *                         the feeds that never publish when some do (their interval is the followers' alone)
     */
    public record Report(long published, long lost, long duplicates, long webhookChecked, long webhookMissing, int kills,
                         long polls, long notModified, long loadStartMs, long loadEndMs, long loadPolls, long loadNotModified,
                         long freshnessP50Ms, long freshnessP99Ms, long freshnessMaxMs, long freshnessCount,
                         SortedMap<Integer, double[]> pollsByFollowers) {
        public boolean ok() {
            return lost == 0 && duplicates == 0 && webhookMissing == 0;
        }
    }

    record User(String id, String token) {}

    public int run(Chaos chaosOrNull, BooleanSupplier stopped, PrintStream out) throws Exception {
        return execute(chaosOrNull, stopped, out).ok() ? 0 : 1;
    }

    public Report execute(Chaos chaosOrNull, BooleanSupplier stopped, PrintStream out) throws Exception {
        String tag = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        Bus bus = Bus.connect(BusOptions.of(redisUri, "simulator").withNamespace(namespace));
        Chaos killer = chaosOrNull != null ? chaosOrNull : Chaos.local(bus);
        try (FeedSimServer server = new FeedSimServer(feeds, plain, changing)) {
            String web = endpoint(bus, "web"), notify = endpoint(bus, "notify").replace("http://", "ws://");
            out.printf("feeds: run=%s feeds=%d users=%d web=%s%n", tag, feeds, users, web);
            List<User> us = new ArrayList<>();
            for (int k = 0; k < users; k++) us.add(register(web, "feedsim-" + tag + "-" + k + "@sim.invalid"));
            follow(web, server, us, out);
            List<String> covered = webhook(web, server, us.get(0));

            Map<String, Long> seen = new ConcurrentHashMap<>(); // guid → ms of its first item.added on a socket
            Histogram freshness = new Histogram(3_600_000L, 3);
            List<WebSocket> sockets = sockets(notify, server, us.get(0), seen, freshness);
            awaitFirstPolls(server, stopped, out);

            long loadStart = System.currentTimeMillis(), end = loadStart + duration.toMillis(), nextKill = loadStart + killEvery.toMillis();
            long[] atStart = server.totals();
            int[] perFeedAtStart = new int[feeds];
            for (int i = 0; i < feeds; i++) perFeedAtStart[i] = server.feeds[i].requests.get();
            double p = Math.min(1, 1000.0 / meanGap.toMillis());
            int kills = 0;
            while (System.currentTimeMillis() < end && !stopped.getAsBoolean()) {
                server.tick(p, System.currentTimeMillis());
                if (chaos && System.currentTimeMillis() >= nextKill) {
                    List<String> providers = killer.instances().stream().filter(n -> n.startsWith("provider")).toList();
                    if (!providers.isEmpty()) {
                        String victim = providers.get(ThreadLocalRandom.current().nextInt(providers.size()));
                        killer.kill(victim);
                        kills++;
                        out.printf("feeds: chaos SIGKILL %s%n", victim);
                    }
                    nextKill += killEvery.toMillis();
                }
                Thread.sleep(1000);
            }
            long loadEnd = System.currentTimeMillis();
            long[] atEnd = server.totals();
            SortedMap<Integer, double[]> weighting = weighting(server, perFeedAtStart);
            long published = 0;
            for (FeedSimServer.Feed f : server.feeds) published += f.published.size();
            out.printf("feeds: publishing stopped: %d entries; waiting up to %ds for them to arrive%n", published, drainTimeout.toSeconds());
            long drainEnd = System.currentTimeMillis() + drainTimeout.toMillis();
            while (System.currentTimeMillis() < drainEnd && !stopped.getAsBoolean() && seen.size() < published) Thread.sleep(500);
            Thread.sleep(3000); // webhook deliveries trail the socket by a little
            sockets.forEach(WebSocket::abort);
            return report(web, server, us.get(0), covered, freshness, kills, new long[] {loadStart, loadEnd,
                    atEnd[0] - atStart[0], atEnd[1] - atStart[1]}, weighting, out);
        } finally {
            bus.close();
        }
    }

    /** The load window starts once every feed was fetched once (its first poll is a full body, not the steady state). */
    private void awaitFirstPolls(FeedSimServer server, BooleanSupplier stopped, PrintStream out) throws InterruptedException {
        long until = System.currentTimeMillis() + Math.max(60_000, feeds * 20L);
        int unpolled = feeds;
        while (System.currentTimeMillis() < until && !stopped.getAsBoolean()) {
            unpolled = 0;
            for (FeedSimServer.Feed f : server.feeds) if (f.requests.get() == 0) unpolled++;
            if (unpolled == 0) break;
            Thread.sleep(200);
        }
        out.printf("feeds: first polls done (%d feeds never polled yet)%n", unpolled);
    }

    /** Followers → {feeds, polls per feed in the load window}; over the never-publishing feeds if there are any. */
    private SortedMap<Integer, double[]> weighting(FeedSimServer server, int[] atStart) {
        boolean someQuiet = false;
        for (int i = 0; i < feeds; i++) someQuiet |= !server.changing(i);
        SortedMap<Integer, double[]> out = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (int i = 0; i < feeds; i++) {
            FeedSimServer.Feed f = server.feeds[i];
            if ((someQuiet && server.changing(i)) || f.kind != FeedSimServer.Kind.NORMAL) continue;
            double[] b = out.computeIfAbsent(f.followers, k -> new double[2]);
            b[0]++;
            b[1] += f.requests.get() - atStart[i];
        }
        out.values().forEach(b -> b[1] /= b[0]);
        return out;
    }

    private void follow(String web, FeedSimServer server, List<User> us, PrintStream out) throws Exception {
        AtomicLong follows = new AtomicLong();
        long t0 = System.nanoTime();
        parallel(feeds, r -> {
            FeedSimServer.Feed f = server.feeds[r];
            f.followers = Math.max(1, (int) Math.round((double) users / (r + 1)));
            for (int j = 0; j < f.followers; j++) {
                User u = us.get((r + j) % users);
                JsonObject body = new JsonObject();
                body.addProperty("url", server.url(r));
                JsonObject feed = call("POST", web + "/feeds", u.token(), body, 201);
                f.feedId = feed.get("id").getAsString();
                follows.incrementAndGet();
            }
        });
        out.printf("feeds: %d follows in %.1f s (Zipf: the top feed has %d followers)%n", follows.get(), (System.nanoTime() - t0) / 1e9,
                server.feeds[0].followers);
    }

    interface Task {
        void run(int i) throws Exception;
    }

    /** Runs task(0..n-1), {@link #API_CONCURRENCY} at a time; the first failure is thrown once all have ended. */
    private static void parallel(int n, Task task) throws Exception {
        Semaphore permits = new Semaphore(API_CONCURRENCY);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n && failure.get() == null; i++) {
                permits.acquire();
                int k = i;
                pool.execute(() -> {
                    try {
                        task.run(k);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        if (failure.get() != null) throw failure.get();
    }

    /** User 0's webhook for item.added of the first (up to 100) readable feeds; returns their feed ids. */
    private List<String> webhook(String web, FeedSimServer server, User owner) throws Exception {
        JsonArray ids = new JsonArray();
        List<String> covered = new ArrayList<>();
        for (FeedSimServer.Feed f : server.feeds) {
            if (f.kind == FeedSimServer.Kind.HOSTILE || covered.size() >= 100) continue;
            ids.add(f.feedId);
            covered.add(f.feedId);
        }
        JsonObject body = new JsonObject();
        body.addProperty("url", server.hookUrl());
        JsonArray events = new JsonArray();
        events.add("item.added");
        body.add("events", events);
        body.add("users", ids);
        call("POST", web + "/webhooks", owner.token(), body, 201);
        Thread.sleep(1500); // the provider's copy of the webhooks refreshes each second
        return covered;
    }

    private List<WebSocket> sockets(String notify, FeedSimServer server, User u, Map<String, Long> seen, Histogram freshness) throws Exception {
        List<WebSocket> out = new ArrayList<>();
        for (int from = 0; from < feeds; from += 1000) {
            JsonArray users = new JsonArray();
            for (int i = from; i < Math.min(feeds, from + 1000); i++) users.add(server.feeds[i].feedId);
            StringBuilder partial = new StringBuilder();
            WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(notify + "/ws?token=" + u.token()), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        onFrame(JsonParser.parseString(partial.toString()).getAsJsonObject(), server, seen, freshness);
                        partial.setLength(0);
                    }
                    w.request(1);
                    return null;
                }
            }).get(10, java.util.concurrent.TimeUnit.SECONDS);
            JsonObject sub = new JsonObject();
            sub.addProperty("op", "subscribe");
            sub.add("users", users);
            ws.sendText(sub.toString(), true).get(10, java.util.concurrent.TimeUnit.SECONDS);
            out.add(ws);
        }
        return out;
    }

    private static void onFrame(JsonObject frame, FeedSimServer server, Map<String, Long> seen, Histogram freshness) {
        if (!"event".equals(frame.get("op").getAsString()) || !"item.added".equals(frame.get("type").getAsString())) return;
        JsonElement guid = frame.getAsJsonObject("item").get("guid");
        if (guid == null) return;
        String g = guid.getAsString();
        String[] parts = g.split("-");
        long now = System.currentTimeMillis();
        if (parts.length != 3 || seen.putIfAbsent(g, now) != null) return;
        Long at = server.feeds[Integer.parseInt(parts[1])].published.get(g);
        if (at != null) synchronized (freshness) { freshness.recordValue(Math.max(0, Math.min(3_600_000L, now - at))); }
    }

    private Report report(String web, FeedSimServer server, User reader, List<String> covered, Histogram freshness, int kills,
                          long[] load, SortedMap<Integer, double[]> weighting, PrintStream out) throws Exception {
        AtomicLong lost = new AtomicLong(), duplicates = new AtomicLong(), published = new AtomicLong();
        AtomicLong webhookMissing = new AtomicLong(), webhookChecked = new AtomicLong();
        Set<String> hookItems = new HashSet<>();
        server.hooked.forEach(h -> hookItems.add(h.itemId()));
        Set<String> coveredSet = new HashSet<>(covered);
        parallel(feeds, i -> {
            FeedSimServer.Feed f = server.feeds[i];
            if (f.kind == FeedSimServer.Kind.HOSTILE) return;
            published.addAndGet(f.published.size());
            Map<String, Integer> guids = new HashMap<>();
            for (int off = 0; ; off += 100) {
                JsonArray items = call("GET", web + "/info/" + f.feedId + "?lim=100&off=" + off, reader.token(), null, 200).getAsJsonArray("items");
                for (JsonElement e : items) {
                    JsonObject item = e.getAsJsonObject();
                    guids.merge(item.has("guid") ? item.get("guid").getAsString() : "?", 1, Integer::sum);
                    if (coveredSet.contains(f.feedId)) {
                        webhookChecked.incrementAndGet();
                        if (!hookItems.contains(item.get("id").getAsString())) webhookMissing.incrementAndGet();
                    }
                }
                if (items.size() < 100) break;
            }
            for (String g : f.published.keySet()) if (!guids.containsKey(g)) lost.incrementAndGet();
            for (int n : guids.values()) duplicates.addAndGet(n - 1);
        });
        long[] totals = server.totals();
        out.printf("feeds: polls=%d 304s=%d (%.1f%%) provider kills=%d%n", totals[0], totals[1], totals[0] == 0 ? 0 : 100.0 * totals[1] / totals[0], kills);
        StringBuilder w = new StringBuilder("feeds: polls per feed in the load window by followers:");
        weighting.forEach((followers, b) -> w.append(String.format(" %d→%.1f", followers, b[1])));
        out.println(w);
        out.printf("feeds: freshness published→WebSocket p50=%dms p99=%dms max=%dms (n=%d of %d)%n", freshness.getValueAtPercentile(50),
                freshness.getValueAtPercentile(99), freshness.getMaxValue(), freshness.getTotalCount(), published.get());
        long redundant = server.hookRequests.get() - server.hooked.size();
        out.printf("feeds: check published=%d lost=%d duplicates=%d webhook_checked=%d webhook_missing=%d webhook_redeliveries=%d%n",
                published.get(), lost.get(), duplicates.get(), webhookChecked.get(), webhookMissing.get(), redundant);
        return new Report(published.get(), lost.get(), duplicates.get(), webhookChecked.get(), webhookMissing.get(), kills,
                totals[0], totals[1], load[0], load[1], load[2], load[3], freshness.getValueAtPercentile(50),
                freshness.getValueAtPercentile(99), freshness.getMaxValue(), freshness.getTotalCount(), weighting);
    }

    /** The first live instance of {@code role} with its HTTP port; waits while the mesh is still advertising it. */
    private static String endpoint(Bus bus, String role) throws InterruptedException {
        long deadline = System.nanoTime() + ENDPOINT_WAIT.toNanos();
        while (true) {
            List<URI> live = WebInstances.discover(bus.admin().instances(), role, BusOptions.localHost());
            if (!live.isEmpty()) return live.get(0).toString();
            if (System.nanoTime() > deadline) break;
            Thread.sleep(250);
        }
        throw new SimulationFailure("no live " + role + " instance advertising an http port in the registry after "
                + ENDPOINT_WAIT.toSeconds() + "s: is the mesh up?");
    }

    private static User register(String web, String email) throws Exception {
        JsonObject reg = new JsonObject();
        reg.addProperty("name", "feed simulator");
        reg.addProperty("email", email);
        reg.addProperty("password", "gorgon-simulated-user");
        String id = call("POST", web + "/auth/register", null, reg, 201).get("id").getAsString();
        reg.remove("name");
        for (int attempt = 0; ; attempt++) {
            try {
                return new User(id, call("POST", web + "/auth/login", null, reg, 200).get("token").getAsString());
            } catch (SimulationFailure e) {
                // Logins are rate-limited per client address (auth.loginAttemptsPerMinute): wait for the window.
                if (!e.getMessage().contains(" 429") || attempt >= 15) throw e;
                Thread.sleep(5000);
            }
        }
    }

    private static JsonObject call(String method, String url, String token, JsonObject body, int expect) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expect) throw new SimulationFailure(method + " " + url.replaceAll("token=[^&]*", "token=…") + " answered " + r.statusCode() + ": " + r.body());
        return r.body().isEmpty() ? new JsonObject() : JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
