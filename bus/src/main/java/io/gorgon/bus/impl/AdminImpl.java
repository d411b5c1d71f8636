package io.gorgon.bus.impl;

import com.google.gson.reflect.TypeToken;
import io.gorgon.bus.Admin;
import io.gorgon.bus.DeadLetter;
import io.gorgon.bus.DeadLetterPage;
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
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingSummary;
import redis.clients.jedis.resps.Tuple;

/** The operator's view, read on demand over a short-lived connection (not on the hot path). */
final class AdminImpl implements Admin {
    /** Without Redis 7's lag, a backlog is counted exactly up to this many entries ("at least" beyond). */
    private static final int BACKLOG_SCAN_CAP = 1_000;
    /** Dead letters moved or deleted per round trip: bulk operations never hold Redis for long. */
    static final int BULK_PAGE = 200;
    /** Dead letters one search call reads at most before it returns a page (maybe short) and where to continue. */
    static final int SEARCH_SCAN = 2_000;
    private static final java.util.regex.Pattern ENTRY_ID = java.util.regex.Pattern.compile("[0-9]{1,20}-[0-9]{1,20}");
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
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            long now = redisNow();
            Set<String> queues = new TreeSet<>(j.smembers(k.queues()));
            Set<String> topics = new TreeSet<>(j.smembers(k.topics()));
            Set<String> paused = j.smembers(k.paused());
            List<QueueInfo> out = new ArrayList<>();
            for (String q : queues) out.add(info(j, q, false, now, paused.contains(q)));
            for (String t : topics) if (!queues.contains(t)) out.add(info(j, t, true, now, paused.contains(t)));
            return out;
        }
    }

    private QueueInfo info(UnifiedJedis j, String q, boolean topic, long now, boolean paused) {
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
                StreamEntryID first = firstAfter(j, stream, g.getLastDeliveredId());
                if (first != null) {
                    backlog = Math.max(backlog, waiting(j, stream, g, length));
                    if (oldest == null || first.compareTo(oldest) < 0) oldest = first;
                }
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
        return new QueueInfo(q, topic, backlog, pending, oldestAge, consumers, dead, length, paused, connections.nodeFor(stream).toString());
    }

    /**
     * Entries after the group's cursor: waiting for it. Read without fetching them: the stats page and the simulator
     * ask every second, and a capped XRANGE of a 10,000-entry backlog cost Redis ~4.6 ms a call and a quarter of its
     * CPU while seeding. Called once an entry after the cursor is known to exist (the caller's single-entry read:
     * usually there is none). Redis 7's {@code lag}, bounded by the stream's length (it overcounts once acknowledged
     * entries are trimmed: seen lag=5973 with no entry after the cursor, hence that first read), else (Redis 6.2) a
     * short capped scan.
     */
    private static long waiting(UnifiedJedis j, String stream, StreamGroupInfo g, long length) {
        if (g.getGroupInfo().get("lag") instanceof Long lag && lag > 0) return Math.min(lag, length);
        return j.xrange(stream, "(" + g.getLastDeliveredId(), "+", BACKLOG_SCAN_CAP).size();
    }

    private static StreamEntryID firstAfter(UnifiedJedis j, String stream, StreamEntryID cursor) {
        List<StreamEntry> first = j.xrange(stream, "(" + cursor, "+", 1);
        return first.isEmpty() ? null : first.get(0).getID();
    }

    @Override
    public List<InstanceInfo> instances() {
        Keys k = keys;
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            long now = redisNow();
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
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            List<DeadLetter> out = new ArrayList<>();
            for (StreamEntry e : j.xrange(keys.deadLetters(queue), "-", "+", limit)) out.add(deadLetter(queue, e));
            return out;
        }
    }

    @Override
    public DeadLetterPage deadLetters(String queue, String after, int limit, String search) {
        String start = after == null || after.isEmpty() ? "-" : "(" + entryId(after);
        String needle = search == null ? "" : search.toLowerCase(java.util.Locale.ROOT);
        List<DeadLetter> out = new ArrayList<>();
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            int scanned = 0;
            while (scanned < SEARCH_SCAN) {
                List<StreamEntry> batch = j.xrange(keys.deadLetters(queue), start, "+", needle.isEmpty() ? limit - out.size() : BULK_PAGE);
                if (batch.isEmpty()) return new DeadLetterPage(out, null);
                for (StreamEntry e : batch) {
                    scanned++;
                    DeadLetter d = deadLetter(queue, e);
                    if (needle.isEmpty() || matches(d, needle)) out.add(d);
                    start = "(" + e.getID();
                    if (out.size() == limit) return new DeadLetterPage(out, e.getID().toString());
                }
            }
            return new DeadLetterPage(out, start.substring(1));
        }
    }

    private static boolean matches(DeadLetter d, String needle) {
        return (d.reason() != null && d.reason().toLowerCase(java.util.Locale.ROOT).contains(needle))
                || (d.payload() != null && d.payload().toLowerCase(java.util.Locale.ROOT).contains(needle))
                || d.id().contains(needle);
    }

    private static DeadLetter deadLetter(String queue, StreamEntry e) {
        Map<String, String> f = e.getFields();
        return new DeadLetter(f.getOrDefault("id", e.getID().toString()), queue, f.get("group"), f.get("reason"),
                parseLong(f.get("deliveries")), parseLong(f.get("at")), f.get("e"), e.getID().toString());
    }

    @Override
    public int requeue(String queue, int limit) {
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            String last = lastEntry(j, keys.deadLetters(queue));
            int moved = 0;
            while (last != null && moved < limit) {
                int n = requeueRange(j, queue, "-", last, Math.min(BULK_PAGE, limit - moved));
                if (n == 0) break;
                moved += n;
            }
            return moved;
        }
    }

    @Override
    public boolean requeueOne(String queue, String entry) {
        String id = entryId(entry);
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            return requeueRange(j, queue, id, id, 1) == 1;
        }
    }

    private int requeueRange(UnifiedJedis j, String queue, String from, String to, int count) {
        Object n = j.eval(Scripts.REQUEUE.source(), List.of(keys.stream(queue), keys.deadLetters(queue)),
                List.of(from, to, String.valueOf(count)));
        return ((Long) n).intValue();
    }

    @Override
    public long purge(String queue) {
        String key = keys.deadLetters(queue);
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            String last = lastEntry(j, key);
            long deleted = 0;
            while (last != null) {
                List<StreamEntry> page = j.xrange(key, "-", last, BULK_PAGE);
                if (page.isEmpty()) break;
                deleted += j.xdel(key, page.stream().map(StreamEntry::getID).toArray(StreamEntryID[]::new));
            }
            return deleted;
        }
    }

    @Override
    public boolean deleteOne(String queue, String entry) {
        StreamEntryID id = new StreamEntryID(entryId(entry));
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            return j.xdel(keys.deadLetters(queue), id) == 1;
        }
    }

    /** The newest entry of a stream now, or null if empty: bulk operations stop there, so new arrivals don't extend them. */
    private static String lastEntry(UnifiedJedis j, String key) {
        List<StreamEntry> last = j.xrevrange(key, "+", "-", 1);
        return last.isEmpty() ? null : last.get(0).getID().toString();
    }

    private static String entryId(String entry) {
        if (entry == null || !ENTRY_ID.matcher(entry).matches()) {
            throw new IllegalArgumentException("not a dead-letter entry id (like 1700000000000-0): " + entry);
        }
        return entry;
    }

    @Override
    public boolean pause(String queue) {
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            return j.sadd(keys.paused(), queue) == 1;
        }
    }

    @Override
    public boolean resume(String queue) {
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            return j.srem(keys.paused(), queue) == 1;
        }
    }

    @Override
    public Set<String> paused() {
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            return new TreeSet<>(j.smembers(keys.paused()));
        }
    }

    @Override
    public void broadcast(String command, Object body) {
        String cmd = EnvelopeCodec.encodeControl(command, body, System.currentTimeMillis());
        { // a routing client: the keys below live in several cluster slots
            UnifiedJedis j = connections.unified();
            j.set(keys.controlLast(), cmd);
            j.incr(keys.controlVersion());
        }
    }

    private long redisNow() {
        List<String> t;
        try (Jedis j = connections.open()) {
            t = j.time();
        }
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
