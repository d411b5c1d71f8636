package io.gorgon.roles.supervisor;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.RedisConnections;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.KeyValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Control of the running mesh through Redis. Counts and retiring an instance change the mesh-wide desired state
 * ({@link MeshState}), which every supervisor follows; a kill goes to the host running the instance, a stop of the
 * whole mesh to every host. Never throws for an unreachable Redis or an absent supervisor: those are replies with
 * code 1, ready to print.
 */
public final class ControlClient {
    private final GorgonConfig config;
    private final MeshState mesh;
    private final ControlKeys keys;

    public ControlClient(GorgonConfig config) {
        this.config = config;
        this.mesh = new MeshState(config.namespace());
        this.keys = mesh.keys();
    }

    /** True while at least one {@code gorgon up} supervisor heartbeats for this namespace. */
    public boolean supervisorAlive() {
        try (UnifiedJedis redis = RedisConnections.client(config)) {
            return !mesh.liveHosts(redis).isEmpty();
        }
    }

    /** Instance counts per role the mesh keeps; empty when no supervisor runs (or Redis is down). */
    public Map<String, Integer> desiredCounts() {
        try (UnifiedJedis redis = RedisConnections.client(config)) {
            if (mesh.liveHosts(redis).isEmpty()) return Map.of();
            Map<String, Integer> out = new LinkedHashMap<>();
            for (String role : GorgonConfig.ROLES) out.put(role, 0);
            for (String slot : mesh.slots(redis).keySet()) out.merge(MeshState.roleOf(slot), 1, Integer::sum);
            return out;
        } catch (RuntimeException e) {
            return Map.of(); // Redis down: no counts to offer
        }
    }

    /** The live supervisors' status documents (see {@link ControlKeys#host}), sorted by host name. */
    public List<JsonObject> hosts() {
        try (UnifiedJedis redis = RedisConnections.client(config)) {
            List<JsonObject> out = new ArrayList<>();
            for (String s : mesh.statuses(redis).values()) out.add(JsonParser.parseString(s).getAsJsonObject());
            return out;
        }
    }

    public Reply send(String verb, JsonObject args, Duration timeout) {
        try (UnifiedJedis redis = RedisConnections.client(config)) {
            List<String> hosts = mesh.liveHosts(redis);
            if (hosts.isEmpty()) {
                return new Reply(false, 1, "no supervisor is running for namespace '" + config.namespace()
                        + "' (start one with 'gorgon up')");
            }
            String target = args.has("target") ? args.get("target").getAsString() : null;
            return switch (verb) {
                case "scale" -> scale(redis, args.getAsJsonObject("counts"));
                case "stop" -> target == null ? everyHost(redis, hosts, verb, args, timeout) : stop(redis, target);
                case "kill" -> kill(redis, target, args, timeout);
                case "restart-redis" -> ask(redis, redisHost(redis, hosts), verb, args, timeout);
                default -> ask(redis, hosts.get(0), verb, args, timeout);
            };
        } catch (JedisException e) {
            return new Reply(false, 1, "cannot reach redis at " + GorgonConfig.redact(config.redis().busUri())
                    + " (is 'gorgon up' running?): " + e.getMessage());
        }
    }

    private Reply scale(UnifiedJedis redis, JsonObject counts) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : counts.entrySet()) {
            if (!GorgonConfig.ROLES.contains(e.getKey())) return new Reply(false, 2, "unknown role '" + e.getKey() + "'");
            int n = e.getValue().getAsInt();
            if (n < 0 || n > Supervisor.MAX_INSTANCES) {
                return new Reply(false, 2, e.getKey() + ": count must be 0.." + Supervisor.MAX_INSTANCES);
            }
            wanted.put(e.getKey(), n);
        }
        Map<String, Integer> was = mesh.scale(redis, wanted);
        List<String> changes = new ArrayList<>();
        wanted.forEach((role, n) -> changes.add(role + " " + was.get(role) + " -> " + n));
        return new Reply(true, 0, "scaled " + String.join(", ", changes));
    }

    /** A role: all its instances (count 0). An instance: that slot is retired, and its role has one fewer. */
    private Reply stop(UnifiedJedis redis, String target) {
        if (GorgonConfig.ROLES.contains(target)) {
            int was = mesh.scale(redis, Map.of(target, 0)).get(target);
            return new Reply(true, 0, "stopping all " + target + " instances (" + was + " -> 0)");
        }
        Map<String, String> slots = mesh.slots(redis);
        if (!slots.containsKey(target)) return noSuchInstance(target, slots);
        long pid = pidOf(redis, target);
        if (!mesh.retire(redis, target)) return noSuchInstance(target, mesh.slots(redis));
        String role = MeshState.roleOf(target);
        long left = mesh.slots(redis).keySet().stream().filter(s -> MeshState.roleOf(s).equals(role)).count();
        return new Reply(true, 0, "stopping " + target + " (pid " + pid + " on " + slots.get(target) + "); " + role
                + " now " + left);
    }

    private Reply kill(UnifiedJedis redis, String target, JsonObject args, Duration timeout) {
        Map<String, String> slots = mesh.slots(redis);
        if (target == null || !slots.containsKey(target)) return noSuchInstance(target, slots);
        String owner = slots.get(target);
        if (owner.isEmpty() || !mesh.liveHosts(redis).contains(owner)) {
            return new Reply(false, 1, target + " is not running right now (no live host runs it yet)");
        }
        return ask(redis, owner, "kill", args, timeout);
    }

    /** Sends {@code verb} to every live host; the replies are joined, ok only if all are. */
    private Reply everyHost(UnifiedJedis redis, List<String> hosts, String verb, JsonObject args, Duration timeout) {
        List<String> messages = new ArrayList<>();
        boolean ok = true;
        int code = 0;
        for (String h : hosts) {
            Reply r = ask(redis, h, verb, args, timeout);
            messages.add(r.message());
            ok &= r.ok();
            code = Math.max(code, r.code());
        }
        return new Reply(ok, code, String.join("; ", messages));
    }

    private Reply ask(UnifiedJedis redis, String host, String verb, JsonObject args, Duration timeout) {
        String id = UUID.randomUUID().toString();
        JsonObject cmd = new JsonObject();
        cmd.addProperty("id", id);
        cmd.addProperty("cmd", verb);
        cmd.add("args", args);
        cmd.addProperty("ts", System.currentTimeMillis());
        redis.rpush(keys.commands(host), cmd.toString());
        KeyValue<String, String> reply = redis.blpop(timeout.toMillis() / 1000.0, keys.reply(id));
        if (reply == null) {
            return new Reply(false, 1, "the supervisor on " + host + " did not answer within " + timeout.toSeconds() + "s");
        }
        return Reply.fromJson(reply.getValue());
    }

    /** The host that runs the embedded redis, else the first (which answers that redis is external). */
    private String redisHost(UnifiedJedis redis, List<String> hosts) {
        for (Map.Entry<String, String> e : mesh.statuses(redis).entrySet()) {
            JsonObject infra = JsonParser.parseString(e.getValue()).getAsJsonObject().getAsJsonObject("infra");
            if (infra != null && infra.has("redis")) return e.getKey();
        }
        return hosts.get(0);
    }

    private long pidOf(UnifiedJedis redis, String slot) {
        for (String s : mesh.statuses(redis).values()) {
            for (JsonElement c : JsonParser.parseString(s).getAsJsonObject().getAsJsonArray("children")) {
                JsonObject o = c.getAsJsonObject();
                if (o.get("name").getAsString().equals(slot)) return o.get("pid").getAsLong();
            }
        }
        return -1;
    }

    private static Reply noSuchInstance(String target, Map<String, String> slots) {
        return new Reply(false, 2, "no instance '" + target + "'; instances: "
                + (slots.isEmpty() ? "none" : String.join(", ", slots.keySet())));
    }
}
