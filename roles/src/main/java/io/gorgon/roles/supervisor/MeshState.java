package io.gorgon.roles.supervisor;

import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.RedisScript;
import redis.clients.jedis.UnifiedJedis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mesh's desired state and its supervisors in Redis ({@link ControlKeys}): which hosts are live, which instance
 * slots the mesh wants, and which host runs each. Every change that two supervisors (or a supervisor and the CLI)
 * could race on is one Lua script, so two hosts never both own a slot. Liveness uses Redis' clock, never the hosts'.
 */
public final class MeshState {
    /** The field that marks the slots hash as seeded: an absent hash means Redis lost it, not "every count is 0". */
    static final String SEEDED = "#";

    private static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /**
     * KEYS hosts, slots; ARGV host, ttlMs, exclusive, role, count, …. Refuses ("taken") a host name another live
     * supervisor holds; the first supervisor of an empty mesh seeds the slots from its config ("founded").
     */
    private static final RedisScript JOIN = new RedisScript(NOW + """
            local held = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if ARGV[3] == '1' and held and tonumber(held) > now then return 'taken' end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            redis.call('ZREM', KEYS[1], ARGV[1])
            local result = 'joined'
            if redis.call('ZCARD', KEYS[1]) == 0 then
              redis.call('DEL', KEYS[2])
              redis.call('HSET', KEYS[2], '#', '1')
              for i = 4, #ARGV, 2 do
                for n = 1, tonumber(ARGV[i + 1]) do redis.call('HSET', KEYS[2], ARGV[i] .. '-' .. n, '') end
              end
              result = 'founded'
            end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            return result
            """);

    /** KEYS hosts, slots, host status; ARGV host, ttlMs, status. Returns {now, live hosts, slots hash}. */
    private static final RedisScript HEARTBEAT = new RedisScript(NOW + """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('SET', KEYS[3], ARGV[3], 'PX', tonumber(ARGV[2]))
            return {now, redis.call('ZRANGE', KEYS[1], 0, -1), redis.call('HGETALL', KEYS[2])}
            """);

    /** KEYS hosts, slots; ARGV host, slot. 1 if the slot is (now) the host's: it was free or its owner is dead. */
    private static final RedisScript CLAIM = new RedisScript(NOW + """
            local owner = redis.call('HGET', KEYS[2], ARGV[2])
            if not owner then return 0 end
            if owner == ARGV[1] then return 1 end
            if owner ~= '' then
              local s = redis.call('ZSCORE', KEYS[1], owner)
              if s and tonumber(s) > now then return 0 end
            end
            redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
            return 1
            """);

    /** KEYS hosts, slots, host status; ARGV host. Frees the host's slots and takes it out of the live set. */
    private static final RedisScript LEAVE = new RedisScript("""
            local all = redis.call('HGETALL', KEYS[2])
            for i = 1, #all, 2 do
              if all[i + 1] == ARGV[1] then redis.call('HSET', KEYS[2], all[i], '') end
            end
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('DEL', KEYS[3])
            return 1
            """);

    /**
     * KEYS slots; ARGV role, count, …. Adds the lowest free numbers or retires the highest until each role has its
     * count; returns the old counts in ARGV order.
     */
    private static final RedisScript SCALE = new RedisScript("""
            local fields = redis.call('HKEYS', KEYS[1])
            local out = {}
            for i = 1, #ARGV, 2 do
              local role, want = ARGV[i], tonumber(ARGV[i + 1])
              local idx, have = {}, {}
              for _, f in ipairs(fields) do
                local r, n = string.match(f, '^(%a+)%-(%d+)$')
                if r == role then idx[#idx + 1] = tonumber(n); have[tonumber(n)] = true end
              end
              table.sort(idx)
              out[#out + 1] = #idx
              local count, n = #idx, 1
              while count < want do
                if not have[n] then redis.call('HSET', KEYS[1], role .. '-' .. n, ''); count = count + 1 end
                n = n + 1
              end
              local j = #idx
              while count > want do redis.call('HDEL', KEYS[1], role .. '-' .. idx[j]); j = j - 1; count = count - 1 end
            end
            redis.call('HSET', KEYS[1], '#', '1')
            return out
            """);

    /** KEYS slots; ARGV field, value, …: puts back a lost hash (HSETNX: what is there now wins). */
    private static final RedisScript RESEED = new RedisScript("""
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            for i = 1, #ARGV, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end
            return 1
            """);

    /** KEYS hosts: the live host names (TIME in a script: Redis' clock, on whichever node holds the key). */
    private static final RedisScript LIVE = new RedisScript(NOW + """
            return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
            """);

    /**
     * One heartbeat's view of the mesh.
     *
     * @param hosts live supervisors, sorted
     * @param slots slot name → owner host ("" = none), sorted; without the {@link #SEEDED} marker
     * @param seeded false when the slots hash is gone from Redis (wiped or lost): keep running, put it back
     */
    public record View(long now, List<String> hosts, Map<String, String> slots, boolean seeded) {
        /** Per role (all roles, config order), how many instances the mesh wants. */
        public Map<String, Integer> counts() {
            Map<String, Integer> out = new LinkedHashMap<>();
            for (String role : GorgonConfig.ROLES) out.put(role, 0);
            for (String slot : slots.keySet()) out.merge(roleOf(slot), 1, Integer::sum);
            return out;
        }
    }

    private final ControlKeys keys;

    public MeshState(String namespace) {
        this.keys = new ControlKeys(namespace);
    }

    public ControlKeys keys() {
        return keys;
    }

    /** "founded", "joined", or "taken" (another live supervisor uses this host name and {@code exclusive}). */
    String join(UnifiedJedis redis, String host, long ttlMs, boolean exclusive, Map<String, Integer> counts) {
        List<String> args = new ArrayList<>(List.of(host, String.valueOf(ttlMs), exclusive ? "1" : "0"));
        counts.forEach((role, n) -> args.addAll(List.of(role, String.valueOf(n))));
        return String.valueOf(JOIN.eval(redis, List.of(keys.hosts(), keys.slots()), args));
    }

    View heartbeat(UnifiedJedis redis, String host, long ttlMs, String status) {
        Object r = HEARTBEAT.eval(redis, List.of(keys.hosts(), keys.slots(), keys.host(host)),
                List.of(host, String.valueOf(ttlMs), status));
        List<?> parts = (List<?>) r;
        List<String> hosts = new ArrayList<>();
        for (Object h : (List<?>) parts.get(1)) hosts.add(text(h));
        List<?> flat = (List<?>) parts.get(2);
        Map<String, String> slots = new TreeMap<>();
        boolean seeded = false;
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String field = text(flat.get(i));
            if (field.equals(SEEDED)) seeded = true;
            else slots.put(field, text(flat.get(i + 1)));
        }
        hosts.sort(null);
        return new View((Long) parts.get(0), List.copyOf(hosts), slots, seeded);
    }

    boolean claim(UnifiedJedis redis, String host, String slot) {
        return Long.valueOf(1).equals(CLAIM.eval(redis, List.of(keys.hosts(), keys.slots()), List.of(host, slot)));
    }

    void leave(UnifiedJedis redis, String host) {
        LEAVE.eval(redis, List.of(keys.hosts(), keys.slots(), keys.host(host)), List.of(host));
    }

    void reseed(UnifiedJedis redis, Map<String, String> slots) {
        List<String> args = new ArrayList<>(List.of(SEEDED, "1"));
        slots.forEach((slot, owner) -> args.addAll(List.of(slot, owner)));
        RESEED.eval(redis, List.of(keys.slots()), args);
    }

    /** Sets the counts of the given roles; returns each one's previous count. */
    public Map<String, Integer> scale(UnifiedJedis redis, Map<String, Integer> counts) {
        List<String> args = new ArrayList<>();
        counts.forEach((role, n) -> args.addAll(List.of(role, String.valueOf(n))));
        List<?> old = (List<?>) SCALE.eval(redis, List.of(keys.slots()), args);
        Map<String, Integer> out = new LinkedHashMap<>();
        int i = 0;
        for (String role : counts.keySet()) out.put(role, ((Long) old.get(i++)).intValue());
        return out;
    }

    /** Retires one slot (e.g. {@code web-2}); false if the mesh has no such slot. */
    public boolean retire(UnifiedJedis redis, String slot) {
        return redis.hdel(keys.slots(), slot) == 1;
    }

    /** Live supervisors' host names, sorted. */
    public List<String> liveHosts(UnifiedJedis redis) {
        List<?> live = (List<?>) LIVE.eval(redis, List.of(keys.hosts()), List.of());
        return live.stream().map(MeshState::text).sorted().toList();
    }

    /** Slot → owner host ("" = none), sorted by slot. */
    public Map<String, String> slots(UnifiedJedis redis) {
        Map<String, String> out = new TreeMap<>(redis.hgetAll(keys.slots()));
        out.remove(SEEDED);
        return out;
    }

    /** The live supervisors' status documents (JSON), by host name. */
    public Map<String, String> statuses(UnifiedJedis redis) {
        Map<String, String> out = new TreeMap<>();
        for (String host : liveHosts(redis)) {
            String s = redis.get(keys.host(host));
            if (s != null) out.put(host, s);
        }
        return out;
    }

    /** "web" for "web-2". */
    static String roleOf(String slot) {
        int dash = slot.lastIndexOf('-');
        return dash < 0 ? slot : slot.substring(0, dash);
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
