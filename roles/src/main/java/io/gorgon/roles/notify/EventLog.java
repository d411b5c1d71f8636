package io.gorgon.roles.notify;

import io.gorgon.bus.Keys;
import io.gorgon.roles.infra.RedisScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The notify role's Redis state. All keys share the hash tag {@code {notify}}, so the append script and the
 * multi-user history read (one MULTI) stay legal on Redis Cluster:
 * <ul>
 *   <li>{@code <ns>:notify:{notify}:all} — the fan-out stream every notify instance reads; fields n (sequence),
 *       u (userid), t (type), ts (publish time), i (item JSON). Trimmed to {@link #fanoutWindow}: it only has to
 *       cover readers' lag, and a reader that falls further behind notices the jump in n.
 *   <li>{@code <ns>:notify:{notify}:u:<userid>} — the same events per user, under the SAME ids, trimmed to the
 *       retention window and expiring with it: resume reads only the missed events of the users asked for.
 *   <li>{@code <ns>:notify:{notify}:seq} — the counter behind n.
 *   <li>{@code <ns>:notify:{notify}:seen:<bus message id>} — the event id a store_notify message became, for the
 *       retention window, so a redelivered message is not appended twice.
 *   <li>{@code <ns>:notify:{notify}:w:<userid>} — the user is watched: some socket followed them within the
 *       retention window. Value: the time (ms) since which the user has been watched without a break.
 * </ul>
 * Only the events of watched users are recorded. No socket can be waiting for another user's events, and a resume
 * asks for events after one it was sent while it followed the user; so nothing a client can ask for is lost, while
 * an ingest of notes that nobody follows (a seeding, a feed nobody reads) costs no stream writes. A resume that asks
 * for more than was recorded (a user it never followed, or from before the user was watched) is answered
 * {@code resumed:false}.
 */
final class EventLog {
    /**
     * Events one resume returns at most (the newest); more marks it incomplete. Below {@link Session#MAX_PENDING}, so
     * a resume alone never trips the slow-consumer limit.
     */
    static final int HISTORY_MAX = 5_000;
    /** Events read per user in a resume of many users, at least. */
    static final int PER_USER_MIN = 10;

    /** The server's clock in ms, as stream ids have it: a watch's start and event ids must compare. */
    private static final String NOW_MS = """
            local function nowMs()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    // KEYS: fan-out stream, seen key, sequence, then each event's user stream and watch key. ARGV: retention ms,
    // fan-out window ms, then (userid, type, ts, item JSON) per event. Ids come from the fan-out stream, whose ids grow
    // across all users; each user stream receives a subsequence of them in order, so the explicit id is valid. One
    // message's events go in together or not at all, so its seen key covers all of them. Events of users nobody
    // watches are dropped; a message with none to record leaves no seen key (its redelivery records what is watched
    // by then, which is no duplicate).
    private static final RedisScript APPEND = new RedisScript(NOW_MS + """
            local seen = redis.call('GET', KEYS[2])
            if seen then return seen end
            local count = (#ARGV - 2) / 4
            local kept, watched = {}, {}
            for e = 0, count - 1 do
              local w = KEYS[5 + e * 2]
              if watched[w] == nil then watched[w] = redis.call('EXISTS', w) == 1 end
              if watched[w] then kept[#kept + 1] = e end
            end
            if #kept == 0 then return false end
            local now = nowMs()
            local fanMin = string.format('%.0f', now - tonumber(ARGV[2]))
            local userMin = string.format('%.0f', now - tonumber(ARGV[1]))
            local id
            local n = redis.call('INCRBY', KEYS[3], #kept) - #kept
            local touched, users = {}, {}
            for _, e in ipairs(kept) do
              local a = 3 + e * 4
              local u = KEYS[4 + e * 2]
              n = n + 1
              id = redis.call('XADD', KEYS[1], 'MINID', '~', fanMin, '*',
                  'n', n, 'u', ARGV[a], 't', ARGV[a + 1], 'ts', ARGV[a + 2], 'i', ARGV[a + 3])
              redis.call('XADD', u, 'MINID', '~', userMin, id, 't', ARGV[a + 1], 'ts', ARGV[a + 2], 'i', ARGV[a + 3])
              if not touched[u] then
                touched[u] = true
                users[#users + 1] = u
              end
            end
            for i = 1, #users do redis.call('PEXPIRE', users[i], ARGV[1]) end -- once per user, in order
            redis.call('SET', KEYS[2], id, 'PX', ARGV[1])
            return id
            """);

    // KEYS: watch keys. ARGV: their TTL ms. A new watch holds the time from which its user's events are kept.
    private static final RedisScript WATCH = new RedisScript(NOW_MS + """
            local now = string.format('%.0f', nowMs())
            for i = 1, #KEYS do
              if not redis.call('SET', KEYS[i], now, 'NX', 'PX', ARGV[1]) then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
            end
            return 1
            """);

    /** Users per WATCH call: a renewal of many users goes in pipelined calls of this many keys. */
    private static final int WATCH_CHUNK = 1_000;

    private final UnifiedJedis redis;
    private final Keys keys;
    private final long retentionMs;
    private final long fanoutMs;
    private final long watchTtlMs;

    EventLog(UnifiedJedis redis, Keys keys, Duration retention) {
        if (retention.toMillis() < 1000) throw new IllegalArgumentException("notify.retentionSeconds must be >= 1");
        this.redis = redis;
        this.keys = keys;
        this.retentionMs = retention.toMillis();
        this.fanoutMs = fanoutWindow(retention).toMillis();
        // Outlives the retention by two refreshes: a client that left right after a refresh can resume for a whole
        // retention window, and one missed refresh (Redis briefly away) does not drop a watched user.
        this.watchTtlMs = retentionMs + 2 * watchRefresh(retention).toMillis();
    }

    /** How often an instance renews the watch of the users its sockets follow. */
    static Duration watchRefresh(Duration retention) {
        Duration third = retention.dividedBy(3);
        return third.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : third;
    }

    /** How long the fan-out stream keeps events: the retention, but at most a minute (readers are near its tail). */
    static Duration fanoutWindow(Duration retention) {
        return retention.compareTo(Duration.ofMinutes(1)) < 0 ? retention : Duration.ofMinutes(1);
    }

    String allKey() {
        return keys.tagged("notify", "notify", "all");
    }

    String userKey(long userid) {
        return keys.tagged("notify", "notify", "u", Long.toString(userid));
    }

    String watchKey(long userid) {
        return keys.tagged("notify", "notify", "w", Long.toString(userid));
    }

    /**
     * Marks users watched, or renews their watch: from now on their events are recorded, for the retention window
     * after the last renewal. Throws when Redis did not take it.
     */
    void watch(Collection<Long> users) {
        List<String> ttl = List.of(Long.toString(watchTtlMs));
        List<RedisScript.Call> calls = new ArrayList<>(users.size() / WATCH_CHUNK + 1);
        List<String> k = null;
        for (long u : users) {
            if (k == null || k.size() == WATCH_CHUNK) calls.add(new RedisScript.Call(k = new ArrayList<>(), ttl));
            k.add(watchKey(u));
        }
        WATCH.evalAll(redis, calls); // idempotent, as evalAll needs
    }

    /** Appends one event (idempotent per bus message id) and returns its event id; null if its user is not watched. */
    StreamEntryID append(String messageId, long userid, String type, long ts, String itemJson) {
        return appendAll(messageId, List.of(new Appended(userid, type, ts, itemJson)));
    }

    /** One event to append: the user it is for, its type, publish time and item JSON. */
    record Appended(long userid, String type, long ts, String itemJson) {}

    /**
     * Appends one message's events of watched users, in order, in one script: all or none, idempotent per bus message
     * id. Returns the last one's event id, or null when none of its users is watched.
     */
    StreamEntryID appendAll(String messageId, List<Appended> events) {
        if (events.isEmpty()) throw new IllegalArgumentException("no events to append");
        List<String> k = new ArrayList<>(3 + 2 * events.size());
        k.add(allKey());
        k.add(keys.tagged("notify", "notify", "seen", messageId));
        k.add(keys.tagged("notify", "notify", "seq"));
        List<String> a = new ArrayList<>(2 + events.size() * 4);
        a.add(Long.toString(retentionMs));
        a.add(Long.toString(fanoutMs));
        for (Appended e : events) {
            k.add(userKey(e.userid()));
            k.add(watchKey(e.userid()));
            a.add(Long.toString(e.userid()));
            a.add(e.type());
            a.add(Long.toString(e.ts()));
            a.add(e.itemJson());
        }
        Object id = APPEND.eval(redis, k, a);
        return id == null ? null : new StreamEntryID(String.valueOf(id));
    }

    /** The newest fan-out entry's id and sequence number, or 0-0 and -1 when there is none. */
    Tail tail() {
        List<StreamEntry> last = redis.xrevrange(allKey(), "+", "-", 1);
        if (last.isEmpty()) return new Tail(new StreamEntryID(0, 0), -1);
        return new Tail(last.get(0).getID(), Long.parseLong(last.get(0).getFields().get("n")));
    }

    record Tail(StreamEntryID id, long seq) {}

    /** Fan-out entries after {@code after}, waiting up to {@code blockMs} for some; empty on timeout. */
    List<StreamEntry> read(StreamEntryID after, int count, int blockMs) {
        var res = redis.xread(XReadParams.xReadParams().count(count).block(blockMs), Map.of(allKey(), after));
        if (res == null || res.isEmpty()) return List.of();
        return res.get(0).getValue();
    }

    /**
     * The events of {@code users} after {@code after}, in id order, read in one MULTI: a consistent snapshot, so
     * every event appended later has a greater id than all of these (which is what makes the resume seamless).
     * Incomplete when a user was not watched all along since {@code after}: their earlier events were not recorded.
     */
    History history(Collection<Long> users, StreamEntryID after, long nowMs) {
        return history(users, after, nowMs, Long.MAX_VALUE);
    }

    /**
     * The same, bounded in memory: each user's read is {@link #HISTORY_MAX} split over the users asked for (at least
     * {@link #PER_USER_MIN} each), so a resume of 1,000 users reads ~10,000 events, not 5,000 × 1,000; and the events
     * kept are the newest whose item JSON fits in {@code maxBytes}. What is cut makes the history incomplete.
     */
    History history(Collection<Long> users, StreamEntryID after, long nowMs, long maxBytes) {
        int perUser = Math.max(PER_USER_MIN, HISTORY_MAX / Math.max(1, users.size()));
        Map<Long, Response<List<StreamEntry>>> responses = new LinkedHashMap<>();
        List<Response<String>> watchedSince = new ArrayList<>(users.size());
        try (AbstractTransaction tx = redis.multi()) {
            for (long u : users) {
                responses.put(u, tx.xrevrange(userKey(u), "+", "(" + after, perUser));
                watchedSince.add(tx.get(watchKey(u)));
            }
            tx.exec();
        }
        List<NotifyEvent> events = new ArrayList<>();
        boolean complete = after.getTime() >= nowMs - retentionMs;
        // Strictly after: an event appended in the very millisecond the watch began may predate it.
        for (Response<String> since : watchedSince) if (since.get() == null || after.getTime() <= Long.parseLong(since.get())) complete = false;
        for (var e : responses.entrySet()) {
            List<StreamEntry> entries = e.getValue().get();
            if (entries.size() >= perUser) complete = false; // there may be older ones
            for (StreamEntry s : entries) events.add(NotifyEvent.of(s, e.getKey()));
        }
        events.sort(Comparator.comparing(NotifyEvent::id));
        if (events.size() > HISTORY_MAX) {
            // Keep the newest: they join the live events without a gap; the hole is in the past and reported.
            events = new ArrayList<>(events.subList(events.size() - HISTORY_MAX, events.size()));
            complete = false;
        }
        long bytes = 0;
        for (int i = events.size() - 1; i >= 0; i--) {
            bytes += events.get(i).itemJson().length();
            if (bytes > maxBytes) {
                events = new ArrayList<>(events.subList(i + 1, events.size()));
                complete = false;
                break;
            }
        }
        return new History(events, complete);
    }

    /** @param complete false when events may be missing (older than the retention window, or too many) */
    record History(List<NotifyEvent> events, boolean complete) {}
}
