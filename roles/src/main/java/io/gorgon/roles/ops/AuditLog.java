package io.gorgon.roles.ops;

import io.gorgon.bus.Keys;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.RedisConnections;
import io.gorgon.roles.supervisor.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The last operator actions, whoever did them and from where (CLI or page), in a capped Redis stream
 * {@code <ns>:ops:audit}: the page shows them, so an action taken in one terminal is visible to everyone.
 */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final int KEEP = 1000;

    private final String uri;
    private final String key;

    AuditLog(GorgonConfig config) {
        this.uri = config.redis().busUri();
        this.key = new Keys(config.namespace()).key("ops", "audit");
    }

    /** One past action, newest first in {@link #recent}. */
    public record Entry(long at, String actor, String action, String target, boolean ok, String message) {}

    void add(String actor, String action, String target, Reply r) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("actor", actor);
        f.put("action", action);
        f.put("target", target);
        f.put("ok", String.valueOf(r.ok()));
        f.put("message", r.message());
        try (UnifiedJedis j = RedisConnections.client(uri)) {
            j.xadd(key, XAddParams.xAddParams().maxLen(KEEP).approximateTrimming(), f);
        } catch (JedisException e) {
            // The log line above is the record of last resort; the action itself already happened.
            log.warn("event=audit_write_failed action={} cause=\"{}\"", action, e.getMessage());
        }
    }

    public List<Entry> recent(int n) {
        List<Entry> out = new ArrayList<>();
        try (UnifiedJedis j = RedisConnections.client(uri)) {
            for (StreamEntry e : j.xrevrange(key, "+", "-", n)) {
                Map<String, String> f = e.getFields();
                out.add(new Entry(e.getID().getTime(), f.get("actor"), f.get("action"), f.get("target"),
                        Boolean.parseBoolean(f.get("ok")), f.get("message")));
            }
        }
        return out;
    }
}
