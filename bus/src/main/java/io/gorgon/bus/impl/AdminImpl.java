package io.gorgon.bus.impl;

import com.google.gson.reflect.TypeToken;
import io.gorgon.bus.Admin;
import io.gorgon.bus.DeadLetter;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.bus.Keys;
import io.gorgon.bus.QueueInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingSummary;
import redis.clients.jedis.resps.Tuple;

/** The operator's view, read on demand over a short-lived connection (not on the hot path). */
final class AdminImpl implements Admin {
    private static final int BACKLOG_SCAN_CAP = 10_000;
    private final Keys keys;
    private final Connections connections;
    private final Duration heartbeat;
    private final Duration takeoverAfter;

    AdminImpl(Keys keys, Connections connections, Duration heartbeat, Duration takeoverAfter) {
        this.keys = keys;
        this.connections = connections;
        this.heartbeat = heartbeat;
        this.takeoverAfter = takeoverAfter;
    }

    @Override
    public List<QueueInfo> queues() {
        Keys k = keys;
        try (Jedis j = connections.open()) {
            long now = redisNow(j);
            Set<String> queues = new TreeSet<>(j.smembers(k.queues()));
            Set<String> topics = new TreeSet<>(j.smembers(k.topics()));
            List<QueueInfo> out = new ArrayList<>();
            for (String q : queues) out.add(info(j, q, false, now));
            for (String t : topics) if (!queues.contains(t)) out.add(info(j, t, true, now));
            return out;
        }
    }

    private QueueInfo info(Jedis j, String q, boolean topic, long now) {
        Keys k = keys;
        String stream = k.stream(q);
        long length = j.xlen(stream);
        long pending = 0;
        long backlog = 0;
        StreamEntryID oldest = null;
        if (length > 0) {
            List<StreamGroupInfo> groups = j.xinfoGroups(stream);
            for (StreamGroupInfo g : groups) {
                pending += g.getPending();
                if (g.getPending() > 0) {
                    StreamPendingSummary s = j.xpending(stream, g.getName());
                    if (s.getMinId() != null && (oldest == null || s.getMinId().compareTo(oldest) < 0)) oldest = s.getMinId();
                }
                // Entries after the group's cursor are waiting for it. The capped scan counts them exactly below the cap;
                // Redis 7's "lag" only above it: once acknowledged entries are trimmed it stays at thousands while
                // nothing waits (seen: lag=5973 with no entry after the cursor), which paused the seeder for nothing.
                Object lag = g.getGroupInfo().get("lag");
                List<StreamEntry> next = j.xrange(stream, "(" + g.getLastDeliveredId(), "+", BACKLOG_SCAN_CAP);
                long waiting = next.size() < BACKLOG_SCAN_CAP ? next.size() : lag instanceof Long l ? Math.max(l, next.size()) : next.size();
                backlog = Math.max(backlog, waiting);
                if (!next.isEmpty() && (oldest == null || next.get(0).getID().compareTo(oldest) < 0)) oldest = next.get(0).getID();
            }
            if (groups.isEmpty() && !topic) {
                backlog = length;
                List<StreamEntry> first = j.xrange(stream, "-", "+", 1);
                if (!first.isEmpty()) oldest = first.get(0).getID();
            }
        }
        long oldestAge = oldest == null ? 0 : Math.max(0, now - oldest.getTime());
        int consumers = (int) j.zcount(k.consumers(q), now - takeoverAfter.toMillis(), Double.POSITIVE_INFINITY);
        long dead = j.xlen(k.deadLetters(q));
        return new QueueInfo(q, topic, backlog, pending, oldestAge, consumers, dead, length);
    }

    @Override
    public List<InstanceInfo> instances() {
        Keys k = keys;
        try (Jedis j = connections.open()) {
            long now = redisNow(j);
            long live = takeoverAfter.toMillis();
            List<InstanceInfo> out = new ArrayList<>();
            for (Tuple t : j.zrangeWithScores(k.instances(), 0, -1)) {
                Map<String, String> h = j.hgetAll(k.instance(t.getElement()));
                long hb = (long) t.getScore();
                long age = now - hb;
                String status = age <= heartbeat.toMillis() * 2 + 500 ? "live" : age <= live ? "late" : "gone";
                Map<String, Integer> ports = parse(h.get("ports"), new TypeToken<Map<String, Integer>>() {}, Map.of());
                List<String> queues = parse(h.get("queues"), new TypeToken<List<String>>() {}, List.of());
                out.add(new InstanceInfo(t.getElement(), h.getOrDefault("role", "?"), h.getOrDefault("host", "?"),
                        parseLong(h.get("pid")), ports, parseLong(h.get("startedAt")), hb, status, queues,
                        parseLong(h.get("processed")), parseDouble(h.get("rate"))));
            }
            return out;
        }
    }

    @Override
    public List<DeadLetter> deadLetters(String queue, int limit) {
        try (Jedis j = connections.open()) {
            List<DeadLetter> out = new ArrayList<>();
            for (StreamEntry e : j.xrange(keys.deadLetters(queue), "-", "+", limit)) {
                Map<String, String> f = e.getFields();
                out.add(new DeadLetter(f.getOrDefault("id", e.getID().toString()), queue, f.get("group"), f.get("reason"),
                        parseLong(f.get("deliveries")), parseLong(f.get("at")), f.get("e")));
            }
            return out;
        }
    }

    @Override
    public int requeue(String queue, int limit) {
        // In pages: one script over a huge dead-letter stream would block Redis for everyone until it finished.
        int moved = 0;
        try (Jedis j = connections.open()) {
            while (moved < limit) {
                int page = Math.min(REQUEUE_PAGE, limit - moved);
                int n = ((Long) j.eval(Scripts.REQUEUE.source(), List.of(keys.stream(queue), keys.deadLetters(queue)),
                        List.of(String.valueOf(page)))).intValue();
                moved += n;
                if (n < page) break;
            }
        }
        return moved;
    }

    /** Dead letters moved per script call by {@link #requeue}. */
    static final int REQUEUE_PAGE = 500;

    @Override
    public long purge(String queue) {
        try (Jedis j = connections.open()) {
            String key = keys.deadLetters(queue);
            long n = j.xlen(key);
            j.del(key);
            return n;
        }
    }

    @Override
    public void broadcast(String command, Object body) {
        String cmd = EnvelopeCodec.encodeControl(command, body, System.currentTimeMillis());
        try (Jedis j = connections.open()) {
            j.set(keys.controlLast(), cmd);
            j.incr(keys.controlVersion());
        }
    }

    private static long redisNow(Jedis j) {
        List<String> t = j.time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    private static <T> T parse(String json, TypeToken<T> type, T fallback) {
        if (json == null) return fallback;
        try {
            T v = EnvelopeCodec.GSON.fromJson(json, type.getType());
            return v == null ? fallback : v;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double parseDouble(String s) {
        try {
            return s == null ? 0 : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
