package io.gorgon.roles.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Admin;
import io.gorgon.bus.DeadLetter;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.bus.QueueInfo;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.RedisConnections;
import io.gorgon.roles.ops.MeshOps;
import io.gorgon.roles.supervisor.ControlClient;
import io.gorgon.roles.supervisor.ControlKeys;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.io.PrintWriter;

/**
 * The bodies of the commands that need the bus admin API. Each returns the exit code (0 ok, 1 failed, 2 bad input)
 * and prints to {@code out} (results) and {@code err} (one-line problems). Picocli parsing and validation of the
 * options happen before these are called.
 *
 */
public final class AdminCommands {
    private AdminCommands() {}

    public static int status(GorgonConfig config, boolean json, PrintWriter out, PrintWriter err) {
        return withAdmin(config, "status", err, admin -> {
            List<InstanceInfo> instances = admin.instances();
            List<QueueInfo> queues = admin.queues();
            List<MeshOps.HostGroup> hosts = MeshOps.byHost(instances, new ControlClient(config).hosts());
            if (json) {
                JsonObject o = new JsonObject();
                o.add("hosts", GSON.toJsonTree(hosts));
                o.add("instances", GSON.toJsonTree(instances));
                o.add("queues", GSON.toJsonTree(queues));
                out.println(GSON.toJson(o));
                return Gorgon.OK;
            }
            long now = System.currentTimeMillis();
            out.printf("INSTANCES (%d) on %d host%s%n", instances.size(), hosts.size(), hosts.size() == 1 ? "" : "s");
            for (MeshOps.HostGroup h : hosts) {
                JsonObject sup = h.supervisor();
                out.printf("%n  HOST %s%s  %s%n", h.host(), h.address().isEmpty() ? "" : " (" + h.address() + ")",
                        sup == null ? "no supervisor" : "supervisor pid " + sup.get("pid"));
                out.printf("    %-8s %-24s %-6s %-8s %-12s %-9s %-10s %s%n", "ROLE", "ID", "STATUS", "PID", "PORTS", "UPTIME", "HEARTBEAT", "MSG/S");
                for (InstanceInfo i : h.instances()) {
                    out.printf("    %-8s %-24s %-6s %-8d %-12s %-9s %-10s %.1f%n", i.role(), i.id(), i.status(), i.pid(),
                            i.ports().isEmpty() ? "-" : i.ports().values().toString(), duration(now - i.startedAt()),
                            duration(Math.max(0, now - i.lastHeartbeat())) + " ago", i.messagesPerSec());
                }
                if (sup != null && sup.has("children")) {
                    for (var c : sup.getAsJsonArray("children")) {
                        JsonObject ch = c.getAsJsonObject();
                        out.printf("    child %-12s %-10s pid %-8s restarts %s%n", ch.get("name").getAsString(), ch.get("state").getAsString(),
                                ch.get("pid"), ch.get("restarts"));
                    }
                }
            }
            out.printf("%nQUEUES (%d)%n", queues.size());
            out.printf("  %-14s %-6s %9s %8s %10s %9s %6s %-8s %s%n", "NAME", "KIND", "BACKLOG", "PENDING", "OLDEST", "CONSUMERS", "DEAD", "STATE", "NODE");
            for (QueueInfo q : queues) {
                out.printf("  %-14s %-6s %9d %8d %10s %9d %6d %-8s %s%n", q.name(), q.topic() ? "topic" : "queue", q.backlog(), q.pending(),
                        q.oldestAgeMs() == 0 ? "-" : duration(q.oldestAgeMs()), q.consumers(), q.deadLetters(), q.paused() ? "PAUSED" : "running", q.node());
            }
            if (hosts.stream().noneMatch(h -> h.supervisor() != null)) {
                out.printf("%n(no supervisor running: instances were started some other way, or 'gorgon up' is not running)%n");
            }
            return Gorgon.OK;
        });
    }

    /** queue null: list the dead-letter queues and their sizes; else up to {@code limit} entries of that queue. */
    public static int dlqList(GorgonConfig config, String queue, int limit, boolean json, PrintWriter out, PrintWriter err) {
        return withAdmin(config, "dlq list", err, admin -> {
            if (queue == null) {
                List<QueueInfo> withDead = admin.queues().stream().filter(q -> q.deadLetters() > 0).toList();
                if (json) {
                    JsonObject o = new JsonObject();
                    withDead.forEach(q -> o.addProperty(q.name(), q.deadLetters()));
                    out.println(GSON.toJson(o));
                } else if (withDead.isEmpty()) {
                    out.println("no dead letters");
                } else {
                    withDead.forEach(q -> out.printf("%-16s %d%n", q.name(), q.deadLetters()));
                }
                return Gorgon.OK;
            }
            List<DeadLetter> letters = admin.deadLetters(queue, limit);
            if (json) {
                out.println(GSON.toJson(letters));
            } else if (letters.isEmpty()) {
                out.println("no dead letters in " + queue);
            } else {
                for (DeadLetter d : letters) {
                    out.printf("%s  entry=%s group=%s deliveries=%d at=%s%n  reason: %s%n  payload: %s%n", d.id(), d.entry(), d.group(),
                            d.deliveries(), java.time.Instant.ofEpochMilli(d.at()), d.reason(), trim(d.payload(), 300));
                }
            }
            return Gorgon.OK;
        });
    }

    /** {@code config} is the freshly loaded and validated file (+env, --set); publish it to running instances. */
    public static int configReload(GorgonConfig config, PrintWriter out, PrintWriter err) {
        return withAdmin(config, "config reload", err, admin -> {
            try (UnifiedJedis j = RedisConnections.client(config)) {
                j.set(new ControlKeys(config.namespace()).config(), config.toRedactedJson()); // no passwords in Redis
            }
            admin.broadcast("config.reload", new JsonObject());
            long live = admin.instances().stream().filter(i -> i.status().equals("live")).count();
            out.printf("published the config; %d live instance%s reload it within a heartbeat%n", live, live == 1 ? "" : "s");
            return Gorgon.OK;
        });
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private interface AdminWork {
        int run(Admin admin);
    }

    /** Runs {@code work} with an admin view of the config's mesh; an unreachable Redis is one line and exit 1. */
    private static int withAdmin(GorgonConfig config, String command, PrintWriter err, AdminWork work) {
        Admin admin = Admin.connect(config.redis().busUri(), config.namespace(), Duration.ofMillis(config.bus().heartbeatMs()),
                Duration.ofMillis(config.bus().takeoverAfterMs()));
        try {
            return work.run(admin);
        } catch (JedisException e) {
            err.println("gorgon: " + command + ": cannot reach Redis at " + GorgonConfig.redact(config.redis().busUri()) + ": "
                    + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
            return Gorgon.FAILED;
        }
    }

    static String duration(long ms) {
        long s = ms / 1000;
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + (s % 60) + "s";
        if (s < 86400) return (s / 3600) + "h" + (s % 3600 / 60) + "m";
        return (s / 86400) + "d" + (s % 86400 / 3600) + "h";
    }

    private static String trim(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
