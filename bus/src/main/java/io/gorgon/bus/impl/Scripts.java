package io.gorgon.bus.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Lua scripts that make multi-step operations atomic. Times come from Redis's own clock (TIME), so liveness
 * checks don't depend on the clocks of the hosts running roles.
 */
final class Scripts {
    private static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /** KEYS: stream, consumers. ARGV: liveness window ms, envelope. Enqueue only if a live consumer exists, else nil. */
    static final Script ENQUEUE_IF_CONSUMED = new Script(NOW + """
            if redis.call('ZCOUNT', KEYS[2], now - tonumber(ARGV[1]), '+inf') == 0 then return false end
            return redis.call('XADD', KEYS[1], '*', 'e', ARGV[2])
            """);

    /**
     * The end of a hop as one step: the forward and the ack of the message it answers. KEYS: next stream, its
     * consumers, this stream. ARGV: check ('1': enqueue only if a live consumer exists), liveness window ms, envelope,
     * group, entry id. Returns the new entry's id; false when the check found no consumer (nothing done, nothing
     * acked); 0 when the entry was acknowledged already (taken over and finished elsewhere, or this same step resent
     * after a lost connection): then nothing is forwarded, so a handoff is never duplicated.
     */
    static final Script FORWARD_ACK = new Script(forwardAck());

    /**
     * {@link #FORWARD_ACK} guarded by a key's value, all one step. KEYS as FORWARD_ACK's, then the guard key. ARGV as
     * FORWARD_ACK's, then the value the guard key must hold. Returns -1 (nothing done, nothing acked) when it holds
     * anything else or nothing, else what FORWARD_ACK returns.
     */
    static final Script FORWARD_ACK_IF = new Script("""
            if redis.call('GET', KEYS[4]) ~= ARGV[6] then return -1 end
            """ + forwardAck());

    private static String forwardAck() {
        return """
                if ARGV[1] == '1' then
                """ + NOW + """
                  if redis.call('ZCOUNT', KEYS[2], now - tonumber(ARGV[2]), '+inf') == 0 then return false end
                end
                if redis.call('XACK', KEYS[3], ARGV[4], ARGV[5]) == 0 then return 0 end
                return redis.call('XADD', KEYS[1], '*', 'e', ARGV[3])
                """;
    }

    /**
     * A reply and the ack of the request it answers, as one step. KEYS: reply list, this stream. ARGV: reply, reply
     * TTL ms, group, entry id. Returns 1, or 0 (nothing pushed) when the entry was acknowledged already.
     */
    static final Script REPLY_ACK = new Script("""
            if redis.call('XACK', KEYS[2], ARGV[3], ARGV[4]) == 0 then return 0 end
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    /**
     * {@link #replyFrom}'s scripts by their caller's Lua text: a handful of constants per process, each also loaded on
     * every (re)connect ({@link #all}).
     */
    private static final Map<String, Script> REPLY_FROM = new ConcurrentHashMap<>();

    /**
     * {@link #REPLY_ACK} whose reply body a caller's Lua function builds inside the same step. KEYS: reply list, this
     * stream, then the function's keys. ARGV: the reply's text before the body and after it, reply TTL ms, group,
     * entry id, then the function's args. The function sees only its own keys and args, as KEYS and ARGV. Returns -1
     * (nothing pushed, nothing acked) when it returned false or nil, else what REPLY_ACK returns. The function runs
     * before the XACK (a miss must leave the entry pending), so it runs also when the entry was acked already.
     */
    static Script replyFrom(String lua) {
        return REPLY_FROM.computeIfAbsent(lua, l -> new Script("local function body(KEYS, ARGV)\n" + l + "\nend\n" + """
                local b = body({unpack(KEYS, 3)}, {unpack(ARGV, 6)})
                if not b then return -1 end
                if redis.call('XACK', KEYS[2], ARGV[4], ARGV[5]) == 0 then return 0 end
                if type(b) == 'table' then
                  table.insert(b, 1, ARGV[1])
                  b[#b + 1] = ARGV[2]
                  b = table.concat(b)
                else
                  b = ARGV[1] .. b .. ARGV[2]
                end
                redis.call('RPUSH', KEYS[1], b)
                redis.call('PEXPIRE', KEYS[1], ARGV[3])
                return 1
                """));
    }

    /**
     * KEYS: consumer sets. Returns Redis's now and, per set, the newest heartbeat in it (0 if empty): what a sender
     * needs to know, without asking per message, until when a queue surely has a live consumer.
     */
    static final Script NEWEST_HEARTBEATS = new Script(NOW + """
            local out = {tostring(now)}
            for i = 1, #KEYS do
              local r = redis.call('ZREVRANGE', KEYS[i], 0, 0, 'WITHSCORES')
              out[#out + 1] = r[2] or '0'
            end
            return out
            """);

    /** KEYS: a sorted set. ARGV: member. Sets the member's score to Redis's now (a heartbeat). */
    static final Script TOUCH = new Script(NOW + """
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            return now
            """);

    /** KEYS: instances. ARGV: liveness window ms, ids… Returns 1/0 per id: heartbeat within the window. */
    static final Script ALIVE = new Script(NOW + """
            local out = {}
            for i = 2, #ARGV do
              local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
              if s and tonumber(s) >= now - tonumber(ARGV[1]) then out[#out + 1] = 1 else out[#out + 1] = 0 end
            end
            return out
            """);

    /**
     * KEYS: stream, dead letters. ARGV: group, entry id, payload, reason, deliveries. Moves an entry to the dead-letter
     * stream and acknowledges it in one step, so it is never both lost and never in both places.
     */
    static final Script DEAD_LETTER = new Script(NOW + """
            redis.call('XADD', KEYS[2], '*', 'e', ARGV[3], 'reason', ARGV[4], 'id', ARGV[2], 'group', ARGV[1],
                       'deliveries', ARGV[5], 'at', now)
            return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            """);

    /**
     * KEYS: stream, dead letters. ARGV: first id, last id, max count. Moves the oldest dead letters in that id range
     * back onto the stream. Callers page with a small count, so one call never holds Redis for long.
     */
    static final Script REQUEUE = new Script("""
            local entries = redis.call('XRANGE', KEYS[2], ARGV[1], ARGV[2], 'COUNT', tonumber(ARGV[3]))
            local n = 0
            for _, e in ipairs(entries) do
              local f = e[2]
              local payload
              for i = 1, #f, 2 do if f[i] == 'e' then payload = f[i + 1] end end
              if payload then redis.call('XADD', KEYS[1], '*', 'e', payload) end
              redis.call('XDEL', KEYS[2], e[1])
              n = n + 1
            end
            return n
            """);

    static final List<Script> ALL = List.of(ENQUEUE_IF_CONSUMED, FORWARD_ACK, FORWARD_ACK_IF, REPLY_ACK, NEWEST_HEARTBEATS, TOUCH, ALIVE,
            DEAD_LETTER, REQUEUE);

    /** Every script to load on a (re)connect: the fixed ones and the {@link #replyFrom} ones used so far. */
    static List<Script> all() {
        List<Script> out = new ArrayList<>(ALL);
        out.addAll(REPLY_FROM.values());
        return out;
    }

    private Scripts() {}

    record Script(String source, String sha) {
        Script(String source) {
            this(source, sha1(source));
        }

        private static String sha1(String s) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
