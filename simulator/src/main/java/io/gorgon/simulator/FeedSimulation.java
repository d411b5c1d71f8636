package io.gorgon.simulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.InstanceInfo;
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
import java.util.TreeMap;
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
 *
 * @param users        API users to register (followers are spread over them)
 * @param meanGap      mean time between two entries of one feed
 */
public record FeedSimulation(int feeds, int users, Duration duration, Duration meanGap, boolean chaos, Duration killEvery,
                             Duration drainTimeout, String redisUri, String namespace) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FeedSimulation {
        if (feeds < 1) throw new IllegalArgumentException("--feeds must be >= 1, got " + feeds);
        if (users < 1) throw new IllegalArgumentException("--users must be >= 1, got " + users);
    }

    record User(String id, String token) {}

    public int run(Chaos chaosOrNull, BooleanSupplier stopped, PrintStream out) throws Exception {
        String tag = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        Bus bus = Bus.connect(BusOptions.of(redisUri, "simulator").withNamespace(namespace));
        Chaos killer = chaosOrNull != null ? chaosOrNull : Chaos.local(bus);
        try (FeedSimServer server = new FeedSimServer(feeds)) {
            String web = endpoint(bus, "web"), notify = endpoint(bus, "notify").replace("http://", "ws://");
            out.printf("feeds: run=%s feeds=%d users=%d web=%s%n", tag, feeds, users, web);
            List<User> us = new ArrayList<>();
            for (int k = 0; k < users; k++) us.add(register(web, "feedsim-" + tag + "-" + k + "@sim.invalid"));
            follow(web, server, us, out);
            List<String> covered = webhook(web, server, us.get(0));

            Map<String, Long> seen = new ConcurrentHashMap<>(); // guid → ms of its first item.added on a socket
            Histogram freshness = new Histogram(3_600_000L, 3);
            List<WebSocket> sockets = sockets(notify, server, us.get(0), seen, freshness);

            long end = System.currentTimeMillis() + duration.toMillis(), nextKill = System.currentTimeMillis() + killEvery.toMillis();
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
            long published = 0;
            for (FeedSimServer.Feed f : server.feeds) published += f.published.size();
            out.printf("feeds: publishing stopped: %d entries; waiting up to %ds for them to arrive%n", published, drainTimeout.toSeconds());
            long drainEnd = System.currentTimeMillis() + drainTimeout.toMillis();
            while (System.currentTimeMillis() < drainEnd && !stopped.getAsBoolean() && seen.size() < published) Thread.sleep(500);
            Thread.sleep(3000); // webhook deliveries trail the socket by a little
            sockets.forEach(WebSocket::abort);
            return report(web, server, us.get(0), covered, seen, freshness, kills, out);
        } finally {
            bus.close();
        }
    }

    private void follow(String web, FeedSimServer server, List<User> us, PrintStream out) throws Exception {
        int follows = 0;
        for (int r = 0; r < feeds; r++) {
            FeedSimServer.Feed f = server.feeds[r];
            f.followers = Math.max(1, (int) Math.round((double) users / (r + 1)));
            for (int j = 0; j < f.followers; j++) {
                User u = us.get((r + j) % users);
                JsonObject body = new JsonObject();
                body.addProperty("url", server.url(r));
                JsonObject feed = call("POST", web + "/feeds", u.token(), body, 201);
                f.feedId = feed.get("id").getAsString();
                follows++;
            }
        }
        out.printf("feeds: %d follows (Zipf: the top feed has %d followers)%n", follows, server.feeds[0].followers);
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

    private int report(String web, FeedSimServer server, User reader, List<String> covered, Map<String, Long> seen,
                       Histogram freshness, int kills, PrintStream out) throws Exception {
        long lost = 0, duplicates = 0, published = 0, requests = 0, notModified = 0;
        Set<String> hookItems = new HashSet<>();
        server.hooked.forEach(h -> hookItems.add(h.itemId()));
        Set<String> coveredSet = new HashSet<>(covered);
        long webhookMissing = 0, webhookChecked = 0;
        Map<Integer, long[]> byFollowers = new TreeMap<>(java.util.Comparator.reverseOrder()); // followers → {feeds, polls}
        for (FeedSimServer.Feed f : server.feeds) {
            requests += f.requests.get();
            notModified += f.notModified.get();
            long[] b = byFollowers.computeIfAbsent(f.followers, k -> new long[2]);
            b[0]++;
            b[1] += f.requests.get();
            if (f.kind == FeedSimServer.Kind.HOSTILE) continue;
            published += f.published.size();
            Map<String, Integer> guids = new HashMap<>();
            for (int off = 0; ; off += 100) {
                JsonArray items = call("GET", web + "/info/" + f.feedId + "?lim=100&off=" + off, reader.token(), null, 200).getAsJsonArray("items");
                for (JsonElement e : items) {
                    JsonObject item = e.getAsJsonObject();
                    guids.merge(item.has("guid") ? item.get("guid").getAsString() : "?", 1, Integer::sum);
                    if (coveredSet.contains(f.feedId)) {
                        webhookChecked++;
                        if (!hookItems.contains(item.get("id").getAsString())) webhookMissing++;
                    }
                }
                if (items.size() < 100) break;
            }
            for (String g : f.published.keySet()) if (!guids.containsKey(g)) lost++;
            for (int n : guids.values()) duplicates += n - 1;
        }
        out.printf("feeds: polls=%d 304s=%d (%.1f%%) provider kills=%d%n", requests, notModified, requests == 0 ? 0 : 100.0 * notModified / requests, kills);
        StringBuilder w = new StringBuilder("feeds: polls per feed by followers:");
        byFollowers.forEach((followers, b) -> w.append(String.format(" %d→%.1f", followers, (double) b[1] / b[0])));
        out.println(w);
        out.printf("feeds: freshness published→WebSocket p50=%dms p99=%dms max=%dms (n=%d of %d)%n", freshness.getValueAtPercentile(50),
                freshness.getValueAtPercentile(99), freshness.getMaxValue(), freshness.getTotalCount(), published);
        long redundant = server.hookRequests.get() - server.hooked.size();
        out.printf("feeds: check published=%d lost=%d duplicates=%d webhook_checked=%d webhook_missing=%d webhook_redeliveries=%d%n",
                published, lost, duplicates, webhookChecked, webhookMissing, redundant);
        return lost == 0 && duplicates == 0 && webhookMissing == 0 ? 0 : 1;
    }

    private static String endpoint(Bus bus, String role) {
        for (InstanceInfo i : bus.admin().instances()) {
            Integer port = i.ports().get("http");
            if (role.equals(i.role()) && "live".equals(i.status()) && port != null && port > 0) {
                String host = i.host() == null || i.host().isBlank() || i.host().equals(BusOptions.localHost()) ? "127.0.0.1" : i.host();
                return "http://" + host + ":" + port;
            }
        }
        throw new SimulationFailure("no live " + role + " instance in the registry: is the mesh up?");
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
