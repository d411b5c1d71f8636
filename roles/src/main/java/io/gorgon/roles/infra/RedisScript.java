package io.gorgon.roles.infra;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA1 (EVALSHA), loading it again when the server has forgotten it (a restarted Redis).
 * Every script touches only keys of one hash slot, so it runs unchanged on Redis Cluster.
 */
public final class RedisScript {
    private final String text;
    private final String sha;

    public RedisScript(String text) {
        this.text = text;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Object eval(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(text, keys, args); // EVAL caches it again for the next EVALSHA
        }
    }

    /** One call of the script: its keys and arguments. */
    public record Call(List<String> keys, List<String> args) {}

    /**
     * Runs many calls in one pipeline by SHA1. Should the server not know the script (first use, or a restart), the
     * whole batch is sent again as EVAL: scripts run this way must be idempotent. Errors other than NOSCRIPT throw.
     */
    public List<Object> evalAll(UnifiedJedis redis, List<Call> calls) {
        if (calls.isEmpty()) return List.of();
        try {
            return run(redis, calls, true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) throw e;
            return run(redis, calls, false);
        }
    }

    private List<Object> run(UnifiedJedis redis, List<Call> calls, boolean bySha) {
        List<Response<Object>> responses = new ArrayList<>(calls.size());
        try (AbstractPipeline p = redis.pipelined()) {
            for (Call c : calls) responses.add(bySha ? p.evalsha(sha, c.keys(), c.args()) : p.eval(text, c.keys(), c.args()));
            p.sync();
        }
        List<Object> out = new ArrayList<>(responses.size());
        for (Response<Object> r : responses) out.add(r.get());
        return out;
    }
}
