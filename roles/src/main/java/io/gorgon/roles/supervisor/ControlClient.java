package io.gorgon.roles.supervisor;

import com.google.gson.JsonObject;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.RedisConnections;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.KeyValue;

import java.time.Duration;
import java.util.UUID;

/**
 * Sends one control command to the running supervisor through Redis and waits for its reply. Never throws for an
 * unreachable Redis or an absent supervisor: those are replies with code 1, ready to print.
 */
public final class ControlClient {
    private final GorgonConfig config;
    private final ControlKeys keys;

    public ControlClient(GorgonConfig config) {
        this.config = config;
        this.keys = new ControlKeys(config.namespace());
    }

    /** True while a {@code gorgon up} supervisor heartbeats for this namespace. */
    public boolean supervisorAlive() {
        try (UnifiedJedis redis = RedisConnections.client(config)) {
            return redis.get(keys.alive()) != null;
        }
    }

    /** Instance counts per role the running supervisor keeps (from its last status); empty when none runs. */
    public java.util.Map<String, Integer> desiredCounts() {
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        try (UnifiedJedis redis = RedisConnections.client(config)) {
            String status = redis.get(keys.children());
            if (status == null) return out;
            JsonObject desired = com.google.gson.JsonParser.parseString(status).getAsJsonObject().getAsJsonObject("desired");
            if (desired != null) desired.entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsInt()));
        } catch (RuntimeException e) {
            return out; // Redis down or an unreadable status: no counts to offer
        }
        return out;
    }

    public Reply send(String verb, JsonObject args, Duration timeout) {
        try (UnifiedJedis redis = RedisConnections.client(config)) {
            if (redis.get(keys.alive()) == null) {
                return new Reply(false, 1, "no supervisor is running for namespace '" + config.namespace()
                        + "' (start one with 'gorgon up')");
            }
            String id = UUID.randomUUID().toString();
            JsonObject cmd = new JsonObject();
            cmd.addProperty("id", id);
            cmd.addProperty("cmd", verb);
            cmd.add("args", args);
            cmd.addProperty("ts", System.currentTimeMillis());
            redis.rpush(keys.commands(), cmd.toString());
            KeyValue<String, String> reply = redis.blpop(timeout.toMillis() / 1000.0, keys.reply(id));
            if (reply == null) {
                return new Reply(false, 1, "the supervisor did not answer within " + timeout.toSeconds() + "s");
            }
            return Reply.fromJson(reply.getValue());
        } catch (JedisException e) {
            return new Reply(false, 1, "cannot reach redis at " + GorgonConfig.redact(config.redis().busUri())
                    + " (is 'gorgon up' running?): " + e.getMessage());
        }
    }
}
