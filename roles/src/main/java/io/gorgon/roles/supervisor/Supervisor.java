package io.gorgon.roles.supervisor;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.EmbeddedInfra;
import io.gorgon.roles.infra.RedisConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.KeyValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code gorgon up}: one host of the mesh. Starts the embedded infrastructure (if the config has any), joins the
 * mesh's supervisors in Redis ({@link MeshState}), runs as child processes the instance slots this host owns
 * ({@link Children}), claims the free slots and those of dead hosts that {@link Placement} gives it, obeys control
 * commands ({@link ControlKeys}), and on {@link #requestStop()} hands its slots to the other hosts, drains its
 * children, then stops the infrastructure.
 *
 * <p>The first supervisor of an empty mesh seeds the instance counts from its config; the others join and follow the
 * mesh's counts ({@code gorgon scale}). One thread does all the work ({@link #run()}), so instance state needs no locks.
 */
public final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    /** How long children get between SIGTERM and SIGKILL; an orchestrator's grace period should be longer. */
    public static final Duration DRAIN = Duration.ofSeconds(20);
    /** A host whose heartbeat is this old is dead: the others take over its slots. */
    static final Duration HEARTBEAT_TTL = Duration.ofSeconds(5);
    private static final long HEARTBEAT_EVERY_MS = 1000;
    /** A slot left free this long (its planned host does not claim it) may be claimed by any host. */
    private static final long CLAIM_GRACE_MS = 3000;
    private static final long COMMAND_MAX_AGE_MS = 30_000;
    /** The most instances of one role, as in the config's instances.* range. */
    public static final int MAX_INSTANCES = 64;

    private final GorgonConfig config;
    private final Launcher launcher;
    private final MeshState mesh;
    private final ControlKeys keys;
    private final Path logsDir;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final long startedAtMs = System.currentTimeMillis();
    private final String host;
    /** When this host first saw each free slot it was not planned to take (for {@link #CLAIM_GRACE_MS}). */
    private final Map<String, Long> freeSince = new HashMap<>();
    private volatile boolean stopRequested;
    private EmbeddedInfra infra;
    private Children children;
    private UnifiedJedis redis;
    private MeshState.View view;
    private long lastHeartbeatMs;
    private boolean published;

    public Supervisor(GorgonConfig config, Path configFile, List<String> sets, Map<String, String> env) {
        this.config = config;
        this.launcher = new Launcher(configFile, sets, env);
        this.mesh = new MeshState(config.namespace());
        this.keys = mesh.keys();
        this.logsDir = Path.of(config.logs().dir());
        this.host = config.host().effectiveName();
    }

    /** Runs until stopped (signal or {@code gorgon stop}); returns the process exit code. */
    public int run() {
        try {
            infra = EmbeddedInfra.start(config, logsDir);
            children = new Children(config, launcher, logsDir, infra.ports());
            try {
                redis = connect();
            } catch (JedisException e) {
                throw new IllegalStateException("cannot reach redis at " + GorgonConfig.redact(config.redis().busUri())
                        + ": " + e.getMessage(), e);
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String role : GorgonConfig.ROLES) counts.put(role, config.instances(role));
            // An embedded redis is ours alone; elsewhere a live heartbeat under our name is another supervisor.
            String joined = mesh.join(redis, host, HEARTBEAT_TTL.toMillis(), !config.redis().embedded(), counts);
            if (joined.equals("taken")) {
                throw new IllegalStateException("another supervisor is already running as host '" + host + "' for namespace '"
                        + config.namespace() + "' (give this one its own host.name; a killed one's heartbeat expires within "
                        + HEARTBEAT_TTL.toSeconds() + " s)");
            }
            published = true;
            if (joined.equals("founded")) redis.set(keys.config(), config.toRedactedJson()); // no passwords in Redis
            redis.del(keys.commands(host));
            heartbeat();
            log.info("supervisor up pid={} host={} address={} namespace={} redis={} mesh={} instances={}",
                    ProcessHandle.current().pid(), host, config.host().bindAddress(), config.namespace(),
                    GorgonConfig.redact(config.redis().busUri()), joined, view == null ? counts : view.counts());
            while (!stopRequested) tick();
            shutdown();
            return 0;
        } catch (RuntimeException e) {
            // The caller prints the reason; undo whatever was started.
            if (infra != null) shutdown();
            throw e;
        } finally {
            finished.countDown();
        }
    }

    /** Asks {@link #run()} to drain and return; safe from any thread (e.g. a shutdown hook). */
    public void requestStop() {
        stopRequested = true;
    }

    /** Waits until {@link #run()} has returned; true if it did within the timeout. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        children.reap();
        long now = System.currentTimeMillis();
        if (now - lastHeartbeatMs >= HEARTBEAT_EVERY_MS) {
            lastHeartbeatMs = now;
            if (heartbeat()) reconcile();
        }
        children.startDue();
        if (children.takeDirty()) heartbeat(); // the status shows changes at once; reconciling keeps its 1 s pace
        pollCommand();
    }

    /**
     * Makes this host run exactly the slots the mesh gives it: stops what was retired or taken over by another host
     * (after a Redis outage longer than the heartbeat TTL), starts what it owns, and claims its share of free slots.
     */
    private void reconcile() {
        if (!view.seeded()) {
            log.warn("event=mesh_state_lost slots={}: putting back the last known ones", view.slots().size());
            return; // heartbeat() put them back from the previous view; act on the next one
        }
        Set<String> mine = new TreeSet<>();
        view.slots().forEach((slot, owner) -> {
            if (owner.equals(host)) mine.add(slot);
        });
        for (Instance i : children.active()) {
            if (mine.contains(i.name)) continue;
            String owner = view.slots().get(i.name);
            log.info("event=slot_released name={} reason={}", i.name, owner == null ? "retired" : "owner=" + owner);
            children.stop(i);
        }
        Map<String, String> plan = Placement.plan(view);
        freeSince.keySet().retainAll(plan.keySet());
        long now = System.currentTimeMillis();
        for (Map.Entry<String, String> e : plan.entrySet()) {
            String slot = e.getKey();
            long since = freeSince.computeIfAbsent(slot, s -> now);
            if (!e.getValue().equals(host) && now - since < CLAIM_GRACE_MS) continue;
            if (mesh.claim(redis, host, slot)) {
                String was = view.slots().get(slot);
                log.info("event=slot_claimed name={} previousOwner=\"{}\"", slot, was);
                mine.add(slot);
                freeSince.remove(slot);
            }
        }
        for (String slot : mine) {
            Instance i = children.get(slot);
            if (i == null) children.add(slot);
        }
    }

    private void shutdown() {
        int n = children == null ? 0 : children.all().size();
        log.info("supervisor stopping: handing over slots, draining instances={} deadlineS={}", n, DRAIN.toSeconds());
        if (redis != null && published) {
            try {
                mesh.leave(redis, host); // the other hosts start our slots while ours drain
            } catch (JedisException e) {
                log.warn("cannot hand over slots (the others take them when our heartbeat expires): {}", e.getMessage());
            }
        }
        if (children != null) children.drainAll();
        if (redis != null) redis.close();
        if (infra != null) infra.close();
        log.info("supervisor stopped");
    }

    /** Publishes this host's heartbeat and status and reads the mesh's view; false if Redis is unreachable. */
    private boolean heartbeat() {
        if (!ensureRedis()) return false;
        try {
            JsonObject status = new JsonObject();
            status.addProperty("pid", ProcessHandle.current().pid());
            status.addProperty("host", host);
            status.addProperty("address", config.host().address());
            status.addProperty("startedAt", startedAtMs);
            status.addProperty("updatedAt", System.currentTimeMillis());
            JsonObject want = new JsonObject();
            if (view != null) view.counts().forEach(want::addProperty);
            status.add("desired", want);
            status.add("children", children.toJson());
            if (infra != null) status.add("infra", infra.toJson());
            MeshState.View seen = mesh.heartbeat(redis, host, HEARTBEAT_TTL.toMillis(), status.toString());
            if (!seen.seeded() && view != null && view.seeded()) mesh.reseed(redis, view.slots());
            if (seen.seeded() || view == null) view = seen;
            return seen.seeded();
        } catch (JedisException e) {
            dropRedis(e);
            return false;
        }
    }

    /** Waits briefly for one control command (this wait is also the loop's pace) and answers it. */
    private void pollCommand() {
        if (!ensureRedis()) {
            sleep(200);
            return;
        }
        KeyValue<String, String> popped;
        try {
            popped = redis.blpop(0.1, keys.commands(host));
        } catch (JedisException e) {
            dropRedis(e);
            return;
        }
        if (popped == null) return;
        JsonObject cmd;
        try {
            cmd = JsonParser.parseString(popped.getValue()).getAsJsonObject();
        } catch (RuntimeException e) {
            log.warn("ignoring malformed control command: {}", popped.getValue());
            return;
        }
        String id = cmd.has("id") ? cmd.get("id").getAsString() : null;
        long ts = cmd.has("ts") ? cmd.get("ts").getAsLong() : 0;
        if (System.currentTimeMillis() - ts > COMMAND_MAX_AGE_MS) {
            log.warn("ignoring stale control command: {}", popped.getValue());
            return;
        }
        Reply reply;
        try {
            reply = handle(cmd.get("cmd").getAsString(), cmd.has("args") ? cmd.getAsJsonObject("args") : new JsonObject());
        } catch (RuntimeException e) {
            reply = new Reply(false, 1, "supervisor could not do that: " + e.getMessage());
        }
        log.info("control command cmd={} ok={} message=\"{}\"", cmd.get("cmd"), reply.ok(), reply.message());
        if (id == null) return;
        try {
            redis.rpush(keys.reply(id), reply.toJson());
            redis.expire(keys.reply(id), 60);
        } catch (JedisException e) {
            dropRedis(e);
        }
    }

    /** What only this host can do; counts and instance retirement are mesh-wide ({@link ControlClient}). */
    private Reply handle(String verb, JsonObject args) {
        return switch (verb) {
            case "stop" -> {
                stopRequested = true;
                yield new Reply(true, 0, "supervisor pid " + ProcessHandle.current().pid() + " on " + host + " is stopping "
                        + children.all().size() + " instances, then the infrastructure");
            }
            case "kill" -> kill(args.get("target").getAsString());
            case "restart-redis" -> restartRedis();
            default -> new Reply(false, 2, "unknown control command '" + verb + "'");
        };
    }

    /** Replies first (the reply travels through the Redis being restarted), then restarts it in the background. */
    private Reply restartRedis() {
        if (infra == null || !infra.hasRedis()) return new Reply(false, 1, "redis is external: restart it with its own tools");
        Thread.ofPlatform().name("redis-restart").start(() -> {
            try {
                Thread.sleep(300);
                infra.restartRedis();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("event=redis_restart_failed cause=\"{}\"", e.getMessage());
            }
        });
        return new Reply(true, 0, "restarting redis");
    }

    private Reply kill(String target) {
        Instance i = children.get(target);
        if (i == null || i.state == Instance.State.STOPPING) {
            return new Reply(false, 1, target + " is not running on " + host + " right now");
        }
        if (!i.alive()) return new Reply(false, 1, i.name + " is not running right now (state " + i.state + ")");
        long pid = i.pid();
        i.process.destroyForcibly();
        return new Reply(true, 0, "killed " + i.name + " (pid " + pid + " SIGKILL); it restarts like any crash");
    }

    private boolean ensureRedis() {
        if (redis != null) return true;
        try {
            redis = connect();
            log.info("redis reconnected");
            return true;
        } catch (JedisException e) {
            return false;
        }
    }

    private void dropRedis(JedisException e) {
        log.warn("redis unavailable, still supervising: {}", e.getMessage());
        try {
            if (redis != null) redis.close();
        } catch (RuntimeException ignored) {
            // already broken
        }
        redis = null;
    }

    private UnifiedJedis connect() {
        UnifiedJedis j = RedisConnections.client(config);
        j.ping();
        return j;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
