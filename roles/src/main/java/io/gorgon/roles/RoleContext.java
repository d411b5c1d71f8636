package io.gorgon.roles;

import io.gorgon.bus.Bus;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.Keys;
import io.gorgon.roles.config.GorgonConfig;
import java.time.Duration;
import redis.clients.jedis.UnifiedJedis;

/**
 * What every role is built from.
 *
 * @param role     the role name, e.g. "web"
 * @param instance this process's instance id (also its bus consumer name)
 * @param redis    a pooled client for the role's own keys (tokens, caches, stats); the bus has its own connections
 */
public record RoleContext(String role, String instance, GorgonConfig config, Bus bus, UnifiedJedis redis, Keys keys) {
    /** How every role consumes a queue: {@code bus.concurrency} handlers, {@code bus.maxDeliveries} attempts. */
    public ConsumerOptions consumerOptions() {
        return ConsumerOptions.defaults().withConcurrency(config.bus().concurrency()).withMaxDeliveries(config.bus().maxDeliveries());
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(config.bus().requestTimeoutMs());
    }
}
