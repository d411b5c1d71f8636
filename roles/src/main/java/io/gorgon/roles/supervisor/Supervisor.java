package io.gorgon.roles.supervisor;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.EmbeddedInfra;
import io.gorgon.roles.infra.Ports;
import io.gorgon.roles.infra.RedisConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.KeyValue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code gorgon up}: starts the embedded infrastructure, publishes the effective config, keeps the configured number
 * of instances of every role running as child processes (restarting crashes with {@link Backoff}), obeys control
 * commands arriving through Redis ({@link ControlKeys}), and on {@link #requestStop()} drains the children, then
 * stops the infrastructure.
 *
 * <p>One thread does all the work ({@link #run()}), so instance state needs no locks.
 */
public final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    /** How long children get between SIGTERM and SIGKILL; an orchestrator's grace period should be longer. */
    public static final Duration DRAIN = Duration.ofSeconds(20);
    private static final Duration HEARTBEAT_TTL = Duration.ofSeconds(5);
    private static final long HEARTBEAT_EVERY_MS = 1000;
    private static final long COMMAND_MAX_AGE_MS = 30_000;
    /** The most instances of one role, as in the config's instances.* range. */
    public static final int MAX_INSTANCES = 64;

    private final GorgonConfig config;
    private final Launcher launcher;
    private final ControlKeys keys;
    private final Path logsDir;
    private final Map<String, Integer> desired = new LinkedHashMap<>();
    private final Map<String, Instance> instances = new TreeMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final long startedAtMs = System.currentTimeMillis();
    private final String host;
    private volatile boolean stopRequested;
    private EmbeddedInfra infra;
    private UnifiedJedis redis;
    private long lastHeartbeatMs;
    private boolean statusDirty = true;
    private boolean published;

    public Supervisor(GorgonConfig config, Path configFile, List<String> sets, Map<String, String> env) {
        this.config = config;
        this.launcher = new Launcher(configFile, sets, env);
        this.keys = new ControlKeys(config.namespace());
        this.logsDir = Path.of(config.logs().dir());
        this.host = hostName();
        for (String role : GorgonConfig.ROLES) desired.put(role, config.instances(role));
    }

    /** Runs until stopped (signal or {@code gorgon stop}); returns the process exit code. */
    public int run() {
        try {
            infra = EmbeddedInfra.start(config, logsDir);
            try {
                redis = connect();
            } catch (JedisException e) {
                throw new IllegalStateException("cannot reach redis at " + GorgonConfig.redact(config.redis().busUri())
                        + ": " + e.getMessage(), e);
            }
            // An embedded redis is ours alone; elsewhere a live heartbeat means a second supervisor in this namespace.
            String other = config.redis().embedded() ? null : redis.get(keys.alive());
            if (other != null) {
                throw new IllegalStateException("another supervisor is already running for namespace '"
                        + config.namespace() + "': " + other);
            }
            redis.set(keys.config(), config.toRedactedJson()); // no passwords in Redis: each host has its own
            redis.del(keys.commands());
            heartbeat();
            log.info("supervisor up pid={} namespace={} redis={} instances={}", ProcessHandle.current().pid(),
                    config.namespace(), GorgonConfig.redact(config.redis().busUri()), desired);
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
        reap();
        reconcile();
        startDue();
        long now = System.currentTimeMillis();
        if (now - lastHeartbeatMs >= HEARTBEAT_EVERY_MS || statusDirty) heartbeat();
        pollCommand();
    }

    /** Notices exits: a stopping instance is done; any other exit is a crash, restarted after a backoff. */
    private void reap() {
        long now = System.currentTimeMillis();
        for (Instance i : new ArrayList<>(instances.values())) {
            if (i.state == Instance.State.STOPPING && i.process == null) {
                instances.remove(i.name); // stopped while waiting to restart: nothing to wait for
                statusDirty = true;
                continue;
            }
            if (i.process == null || i.process.isAlive()) {
                if (i.state == Instance.State.STOPPING && i.process != null && now >= i.stopDeadlineMs) {
                    log.warn("instance did not stop in time, killing name={} pid={}", i.name, i.pid());
                    i.process.destroyForcibly();
                    i.stopDeadlineMs = Long.MAX_VALUE;
                }
                continue;
            }
            i.lastExit = i.process.exitValue();
            long pid = i.process.pid();
            if (i.state == Instance.State.STOPPING) {
                log.info("instance stopped name={} pid={} exit={}", i.name, pid, i.lastExit);
                instances.remove(i.name);
            } else {
                Duration uptime = Duration.ofMillis(now - i.startedAtMs);
                i.failures = Backoff.failures(i.failures, uptime);
                Duration delay = Backoff.delay(i.failures);
                i.restarts++;
                i.state = Instance.State.BACKOFF;
                i.process = null;
                i.nextStartAtMs = now + delay.toMillis();
                log.warn("instance exited name={} pid={} exit={} uptimeMs={} restartInMs={} log={}", i.name, pid,
                        i.lastExit, uptime.toMillis(), delay.toMillis(), i.log);
            }
            statusDirty = true;
        }
    }

    /** Adds or retires instances until each role has its desired count (retiring the highest numbers first). */
    private void reconcile() {
        for (Map.Entry<String, Integer> e : desired.entrySet()) {
            String role = e.getKey();
            List<Instance> active = active(role);
            int want = e.getValue();
            for (int n = active.size(); n < want; n++) add(role);
            for (int n = active.size() - 1; n >= want; n--) stop(active.get(n));
        }
    }

    private List<Instance> active(String role) {
        return instances.values().stream()
                .filter(i -> i.role.equals(role) && i.state != Instance.State.STOPPING)
                .sorted((a, b) -> Integer.compare(a.index, b.index)).toList();
    }

    private void add(String role) {
        Set<Integer> used = new HashSet<>();
        for (Instance i : instances.values()) if (i.role.equals(role)) used.add(i.index);
        int index = 1;
        while (used.contains(index)) index++;
        Instance i = new Instance(role, index, portFor(role, index), logsDir.resolve(role + "-" + index + ".log"));
        i.nextStartAtMs = 0;
        instances.put(i.name, i);
        statusDirty = true;
    }

    /** Instance 1 gets the configured port; others the next free port not reserved by the config or a sibling. */
    private int portFor(String role, int index) {
        int base = config.portOf(role);
        if (base <= 0 || index == 1) return base;
        Set<Integer> taken = new HashSet<>(List.of(config.web().port(), config.stats().port(), config.notifier().port()));
        taken.addAll(infra.ports());
        for (Instance i : instances.values()) if (i.port > 0) taken.add(i.port);
        return Ports.nextFree(base, taken);
    }

    private void startDue() {
        long now = System.currentTimeMillis();
        for (Instance i : instances.values()) {
            if (i.state != Instance.State.BACKOFF || now < i.nextStartAtMs) continue;
            try {
                i.process = launcher.start(i, portKey(i.role));
                i.state = Instance.State.RUNNING;
                i.startedAtMs = now;
                log.info("instance started name={} pid={} port={} log={}", i.name, i.pid(), i.port, i.log);
            } catch (IOException e) {
                i.failures++;
                i.nextStartAtMs = now + Backoff.delay(i.failures).toMillis();
                log.error("instance start failed name={} error={}", i.name, e.getMessage());
            }
            statusDirty = true;
        }
    }

    private static String portKey(String role) {
        return switch (role) {
            case "web", "stats", "notify" -> role + ".port";
            default -> null;
        };
    }

    private void stop(Instance i) {
        i.state = Instance.State.STOPPING;
        i.stopDeadlineMs = System.currentTimeMillis() + DRAIN.toMillis();
        if (i.alive()) {
            log.info("instance stopping name={} pid={}", i.name, i.pid());
            i.process.destroy();
        }
        statusDirty = true;
    }

    private void shutdown() {
        log.info("supervisor stopping: draining instances={} deadlineS={}", instances.size(), DRAIN.toSeconds());
        desired.replaceAll((role, n) -> 0);
        for (Instance i : instances.values()) if (i.state != Instance.State.STOPPING) stop(i);
        long deadline = System.currentTimeMillis() + DRAIN.toMillis();
        for (Instance i : instances.values()) {
            if (i.process == null) continue;
            try {
                long left = Math.max(0, deadline - System.currentTimeMillis());
                if (!i.process.waitFor(left, TimeUnit.MILLISECONDS)) {
                    log.warn("instance did not stop in time, killing name={} pid={}", i.name, i.pid());
                    i.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                log.info("instance stopped name={} pid={} exit={}", i.name, i.pid(),
                        i.process.isAlive() ? "?" : String.valueOf(i.process.exitValue()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                i.process.destroyForcibly();
            }
        }
        instances.clear();
        if (redis != null) {
            try {
                if (published) redis.del(keys.alive(), keys.children());
            } catch (JedisException e) {
                log.warn("cannot clear supervisor keys: {}", e.getMessage());
            }
            redis.close();
        }
        if (infra != null) infra.close();
        log.info("supervisor stopped");
    }

    private void heartbeat() {
        if (!ensureRedis()) return;
        try {
            JsonObject alive = new JsonObject();
            alive.addProperty("pid", ProcessHandle.current().pid());
            alive.addProperty("host", host);
            alive.addProperty("startedAt", startedAtMs);
            SetParams ttl = new SetParams().px(HEARTBEAT_TTL.toMillis());
            redis.set(keys.alive(), alive.toString(), ttl);
            JsonObject status = alive.deepCopy();
            status.addProperty("updatedAt", System.currentTimeMillis());
            JsonObject want = new JsonObject();
            desired.forEach(want::addProperty);
            status.add("desired", want);
            JsonArray children = new JsonArray();
            instances.values().forEach(i -> children.add(i.toJson()));
            status.add("children", children);
            if (infra != null) status.add("infra", infra.toJson());
            redis.set(keys.children(), status.toString(), ttl);
            lastHeartbeatMs = System.currentTimeMillis();
            statusDirty = false;
            published = true;
        } catch (JedisException e) {
            dropRedis(e);
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
            popped = redis.blpop(0.1, keys.commands());
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

    private Reply handle(String verb, JsonObject args) {
        return switch (verb) {
            case "scale" -> scale(args.getAsJsonObject("counts"));
            case "stop" -> stopCommand(args.has("target") ? args.get("target").getAsString() : null);
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

    private Reply scale(JsonObject counts) {
        List<String> changes = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : counts.entrySet()) {
            if (!desired.containsKey(e.getKey())) return new Reply(false, 2, "unknown role '" + e.getKey() + "'");
            int n = e.getValue().getAsInt();
            if (n < 0 || n > MAX_INSTANCES) return new Reply(false, 2, e.getKey() + ": count must be 0.." + MAX_INSTANCES);
        }
        for (Map.Entry<String, JsonElement> e : counts.entrySet()) {
            int n = e.getValue().getAsInt();
            int was = desired.put(e.getKey(), n);
            changes.add(e.getKey() + " " + was + " -> " + n);
        }
        statusDirty = true;
        return new Reply(true, 0, "scaled " + String.join(", ", changes));
    }

    private Reply stopCommand(String target) {
        if (target == null) {
            stopRequested = true;
            return new Reply(true, 0, "supervisor pid " + ProcessHandle.current().pid() + " is stopping "
                    + instances.size() + " instances, then the infrastructure");
        }
        if (desired.containsKey(target)) {
            int was = desired.put(target, 0);
            statusDirty = true;
            return new Reply(true, 0, "stopping all " + target + " instances (" + was + " -> 0)");
        }
        Instance i = instances.get(target);
        if (i == null || i.state == Instance.State.STOPPING) return noSuchInstance(target);
        desired.merge(i.role, -1, (a, b) -> Math.max(0, a + b));
        stop(i);
        return new Reply(true, 0, "stopping " + i.name + " (pid " + i.pid() + "); " + i.role + " now "
                + desired.get(i.role));
    }

    private Reply kill(String target) {
        Instance i = instances.get(target);
        if (i == null || i.state == Instance.State.STOPPING) return noSuchInstance(target);
        if (!i.alive()) return new Reply(false, 1, i.name + " is not running right now (state " + i.state + ")");
        long pid = i.pid();
        i.process.destroyForcibly();
        return new Reply(true, 0, "killed " + i.name + " (pid " + pid + " SIGKILL); it restarts like any crash");
    }

    private Reply noSuchInstance(String target) {
        List<String> names = instances.values().stream()
                .filter(i -> i.state != Instance.State.STOPPING).map(i -> i.name).toList();
        return new Reply(false, 2, "no instance '" + target + "'; instances: "
                + (names.isEmpty() ? "none" : String.join(", ", names)));
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

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
