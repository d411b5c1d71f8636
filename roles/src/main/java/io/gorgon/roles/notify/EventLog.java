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
 * </ul>
 */
final class EventLog {
    /**
     * Events one resume returns at most (the newest); more marks it incomplete. Below {@link Session#MAX_PENDING}, so
     * a resume alone never trips the slow-consumer limit.
     */
    static final int HISTORY_MAX = 5_000;
    /** Events read per user in a resume of many users, at least. */
    static final int PER_USER_MIN = 10;

    // KEYS: fan-out stream, seen key, sequence, then each event's user stream. ARGV: retention ms, fan-out window ms,
    // then (userid, type, ts, item JSON) per event. Ids come from the fan-out stream, whose ids grow across all users;
    // each user stream receives a subsequence of them in order, so the explicit id is valid. One message's events go
    // in together or not at all, so its seen key covers all of them.
    private static final RedisScript APPEND = new RedisScript("""
            local seen = redis.call('GET', KEYS[2])
            if seen then return seen end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local fanMin = string.format('%.0f', now - tonumber(ARGV[2]))
            local userMin = string.format('%.0f', now - tonumber(ARGV[1]))
            local id
            local count = (#ARGV - 2) / 4
            local n = redis.call('INCRBY', KEYS[3], count) - count
            local touched, users = {}, {}
            for e = 0, count - 1 do
              local a = 3 + e * 4
              n = n + 1
              id = redis.call('XADD', KEYS[1], 'MINID', '~', fanMin, '*',
                  'n', n, 'u', ARGV[a], 't', ARGV[a + 1], 'ts', ARGV[a + 2], 'i', ARGV[a + 3])
              redis.call('XADD', KEYS[4 + e], 'MINID', '~', userMin, id, 't', ARGV[a + 1], 'ts', ARGV[a + 2], 'i', ARGV[a + 3])
              if not touched[KEYS[4 + e]] then
                touched[KEYS[4 + e]] = true
                users[#users + 1] = KEYS[4 + e]
              end
            end
            for i = 1, #users do redis.call('PEXPIRE', users[i], ARGV[1]) end -- once per user, in order
            redis.call('SET', KEYS[2], id, 'PX', ARGV[1])
            return id
            """);

    private final UnifiedJedis redis;
    private final Keys keys;
    private final long retentionMs;
    private final long fanoutMs;

    EventLog(UnifiedJedis redis, Keys keys, Duration retention) {
        if (retention.toMillis() < 1000) throw new IllegalArgumentException("notify.retentionSeconds must be >= 1");
        this.redis = redis;
        this.keys = keys;
        this.retentionMs = retention.toMillis();
        this.fanoutMs = fanoutWindow(retention).toMillis();
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

    /** Appends one event (idempotent per bus message id) and returns its event id. */
    StreamEntryID append(String messageId, long userid, String type, long ts, String itemJson) {
        return appendAll(messageId, List.of(new Appended(userid, type, ts, itemJson)));
    }

    /** One event to append: the user it is for, its type, publish time and item JSON. */
    record Appended(long userid, String type, long ts, String itemJson) {}

    /**
     * Appends one message's events, in order, in one script: all or none, idempotent per bus message id. Returns the
     * last one's event id.
     */
    StreamEntryID appendAll(String messageId, List<Appended> events) {
        if (events.isEmpty()) throw new IllegalArgumentException("no events to append");
        List<String> k = new ArrayList<>(3 + events.size());
        k.add(allKey());
        k.add(keys.tagged("notify", "notify", "seen", messageId));
        k.add(keys.tagged("notify", "notify", "seq"));
        List<String> a = new ArrayList<>(2 + events.size() * 4);
        a.add(Long.toString(retentionMs));
        a.add(Long.toString(fanoutMs));
        for (Appended e : events) {
            k.add(userKey(e.userid()));
            a.add(Long.toString(e.userid()));
            a.add(e.type());
            a.add(Long.toString(e.ts()));
            a.add(e.itemJson());
        }
        return new StreamEntryID(String.valueOf(APPEND.eval(redis, k, a)));
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
        try (AbstractTransaction tx = redis.multi()) {
            for (long u : users) responses.put(u, tx.xrevrange(userKey(u), "+", "(" + after, perUser));
            tx.exec();
        }
        List<NotifyEvent> events = new ArrayList<>();
        boolean complete = after.getTime() >= nowMs - retentionMs;
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
