package io.gorgon.roles;

import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.Keys;
import io.gorgon.roles.config.ConfigException;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.ops.MeshOps;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Runs one role instance until SIGTERM: config → bus and Redis → the role, wired by constructors → start → on
 * SIGTERM stop taking work, drain in-flight messages (finish and ack), deregister, exit 0.
 */
public final class RoleMain {
    private static final Logger log = LoggerFactory.getLogger(RoleMain.class);
    /** How long SIGTERM waits for in-flight work; below a typical orchestrator grace period (30 s). */
    static final Duration DRAIN = Duration.ofSeconds(20);

    private RoleMain() {}

    /** Blocks until the role stops; returns the process exit code. */
    public static int run(String role, GorgonConfig config) {
        String name = System.getProperty("gorgon.instance", role);
        String instance = BusOptions.newInstanceId(name);
        Running running;
        try {
            running = start(role, instance, config);
        } catch (Exception e) {
            log.error("event=role_start_failed role={} instance={} cause=\"{}\"", role, instance, oneLine(e));
            return 1;
        }
        obeyOperator(running.context());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.stop();
            stopped.countDown();
        }, "role-drain"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * The role's own pooled Redis client. Jedis' default pool holds 8 connections, but up to {@code bus.concurrency}
     * handlers (virtual threads) use it at once — auth validates a token and store reads its cache on every request —
     * and waiting for a pooled connection showed up in profiles: the pool holds as many as handlers can need.
     */
    static UnifiedJedis redisClient(GorgonConfig config) {
        return io.gorgon.bus.impl.Connect.client(config.redis().busUri(), "gorgon-role", Math.max(8, config.bus().concurrency()));
    }

    /** Starts a role in this JVM (tests run roles in-process too): build, start, then advertise the bound ports. */
    public static Running start(String role, String instance, GorgonConfig config) throws Exception {
        Roles kind = Roles.named(role).orElseThrow(() -> new ConfigException("unknown role '" + role + "'"));
        BusOptions options = new BusOptions(config.redis().busUri(), config.namespace(), role, instance, config.host().effectiveName(), Map.of(),
                Duration.ofMillis(config.bus().heartbeatMs()), Duration.ofMillis(config.bus().takeoverAfterMs()),
                Duration.ofSeconds(5), Duration.ofSeconds(60), 100_000, config.redis().replicaAcks());
        UnifiedJedis redis = redisClient(config);
        Bus bus = Bus.connect(options);
        RoleContext ctx = new RoleContext(role, instance, config, bus, redis, new Keys(config.namespace()));
        Role r = null;
        try {
            r = kind.build(ctx);
            r.start();
        } catch (Exception e) {
            if (r != null) r.close();
            bus.close(Duration.ofSeconds(2));
            redis.close();
            throw e;
        }
        // Only now, and only what is bound (port 0 becomes the real port), so nobody is sent to a closed port.
        Map<String, Integer> ports = r.ports();
        bus.advertise(ports);
        Role started = r;
        bus.onControl("config.reload", body -> reload(ctx, started));
        log.info("event=role_started role={} instance={} ports={}", role, instance, ports);
        return new Running(ctx, r);
    }

    /**
     * An operator's drain or kill of this very instance when no supervisor runs (see MeshOps): exit through the
     * shutdown hook, which drains; or halt like a crash. Only for a whole process: in-process roles (tests) never exit.
     */
    private static void obeyOperator(RoleContext ctx) {
        ctx.bus().onControl(MeshOps.DRAIN_COMMAND, body -> {
            if (!names(body, ctx.instance())) return;
            log.info("event=operator_drain instance={}", ctx.instance());
            Thread.ofPlatform().name("operator-drain").start(() -> System.exit(0));
        });
        ctx.bus().onControl(MeshOps.KILL_COMMAND, body -> {
            if (!names(body, ctx.instance())) return;
            log.warn("event=operator_kill instance={}", ctx.instance());
            Runtime.getRuntime().halt(137);
        });
    }

    private static boolean names(com.google.gson.JsonElement body, String instance) {
        return body != null && body.isJsonObject() && body.getAsJsonObject().has("instance")
                && instance.equals(body.getAsJsonObject().get("instance").getAsString());
    }

    /** Re-reads the config document {@code gorgon up} keeps in Redis and hands it to the role. */
    private static void reload(RoleContext ctx, Role role) {
        String json = ctx.redis().get(ctx.keys().key("config"));
        if (json == null) {
            log.warn("event=config_reload_skipped reason=\"no config document in Redis\"");
            return;
        }
        try {
            role.reload(GorgonConfig.parse(json).withConnectionsFrom(ctx.config())); // the document holds no secrets
            log.info("event=config_reloaded role={} instance={}", ctx.role(), ctx.instance());
        } catch (RuntimeException e) {
            log.warn("event=config_reload_failed cause=\"{}\"", oneLine(e));
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replaceAll("\\s+", " ");
    }

    /** A started role: {@link #stop()} drains and releases everything. */
    public static final class Running implements AutoCloseable {
        private final RoleContext ctx;
        private final Role role;
        private boolean stopped;

        Running(RoleContext ctx, Role role) {
            this.ctx = ctx;
            this.role = role;
        }

        public RoleContext context() {
            return ctx;
        }

        public Role role() {
            return role;
        }

        public synchronized void stop() {
            if (stopped) return;
            stopped = true;
            log.info("event=role_stopping role={} instance={}", ctx.role(), ctx.instance());
            try {
                role.stop();
            } catch (RuntimeException e) {
                log.warn("event=role_stop_failed cause=\"{}\"", oneLine(e));
            }
            ctx.bus().close(DRAIN);
            try {
                role.close();
            } catch (RuntimeException e) {
                log.warn("event=role_close_failed cause=\"{}\"", oneLine(e));
            }
            ctx.redis().close();
            log.info("event=role_stopped role={} instance={}", ctx.role(), ctx.instance());
        }

        @Override
        public void close() {
            stop();
        }
    }
}
