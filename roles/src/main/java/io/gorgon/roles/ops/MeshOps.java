package io.gorgon.roles.ops;

import com.google.gson.JsonObject;
import io.gorgon.bus.Admin;
import io.gorgon.bus.DeadLetterPage;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.bus.QueueInfo;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.supervisor.ControlClient;
import io.gorgon.roles.supervisor.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything an operator does to a running mesh, for the CLI and the stats page alike: dead letters, pausing queues,
 * draining, killing and scaling instances. Each action is checked (known queue, instance name), done through the
 * bus's {@link Admin} or the supervisor's control channel, logged as {@code event=operator_action} with who did it,
 * and recorded in the {@link AuditLog}. Answers are {@link Reply}s: code 0 done, 1 failed (e.g. no supervisor),
 * 2 bad input, 4 not found.
 */
public final class MeshOps {
    private static final Logger log = LoggerFactory.getLogger(MeshOps.class);
    public static final int NOT_FOUND = 4;
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);
    /** Control broadcasts an instance obeys when its body names it: {"instance": registry id}. */
    public static final String DRAIN_COMMAND = "instance.drain";
    public static final String KILL_COMMAND = "instance.kill";
    /** A registry id is the supervisor's child name plus a random suffix: web-2-k3j9x1 is child web-2. */
    private static final Pattern REGISTRY_ID = Pattern.compile("([a-z]+-[1-9][0-9]{0,3})-[0-9a-z]+");
    private static final Pattern CHILD_NAME = Pattern.compile("([a-z]+)-[1-9][0-9]{0,3}");

    private final Admin admin;
    private final ControlClient control;
    private final AuditLog audit;
    private final boolean logActions;

    /**
     * @param logActions log each action here too (long-running processes); the CLI leaves that to the audit trail,
     *                   so its stderr stays one line per problem
     */
    public MeshOps(GorgonConfig config, Admin admin, boolean logActions) {
        this.logActions = logActions;
        this.admin = admin;
        this.control = new ControlClient(config);
        this.audit = new AuditLog(config);
    }

    public Admin admin() {
        return admin;
    }

    public AuditLog audit() {
        return audit;
    }

    /** A page of a queue's dead letters (see {@link Admin#deadLetters(String, String, int, String)}). */
    public DeadLetterPage deadLetters(String queue, String after, int limit, String search) {
        return admin.deadLetters(queue, after, limit, search);
    }

    /** Requeues one dead letter ({@code entry}), or up to {@code limit} of them when {@code entry} is null. */
    public Reply requeue(String actor, String queue, String entry, int limit) {
        Reply bad = checkQueue(queue);
        if (bad != null) return record(actor, "requeue", queue, bad);
        if (entry != null) {
            Reply r = admin.requeueOne(queue, entry)
                    ? new Reply(true, 0, "requeued dead letter " + entry + " onto " + queue)
                    : new Reply(false, NOT_FOUND, "no dead letter " + entry + " in " + queue);
            return record(actor, "requeue", queue + " " + entry, r);
        }
        int n = admin.requeue(queue, limit);
        return record(actor, "requeue", queue, new Reply(true, 0, "requeued " + plural(n, "dead letter") + " onto " + queue));
    }

    /** Deletes one dead letter ({@code entry}), or all of the queue's when {@code entry} is null. */
    public Reply delete(String actor, String queue, String entry) {
        Reply bad = checkQueue(queue);
        if (bad != null) return record(actor, "delete", queue, bad);
        if (entry != null) {
            Reply r = admin.deleteOne(queue, entry)
                    ? new Reply(true, 0, "deleted dead letter " + entry + " of " + queue)
                    : new Reply(false, NOT_FOUND, "no dead letter " + entry + " in " + queue);
            return record(actor, "delete", queue + " " + entry, r);
        }
        long n = admin.purge(queue);
        return record(actor, "delete", queue, new Reply(true, 0, "deleted " + plural(n, "dead letter") + " of " + queue));
    }

    public Reply pause(String actor, String queue) {
        Reply bad = checkQueue(queue);
        if (bad != null) return record(actor, "pause", queue, bad);
        boolean changed = admin.pause(queue);
        return record(actor, "pause", queue, new Reply(true, 0, changed
                ? "paused " + queue + ": its consumers take no new messages (in-flight work finishes)"
                : queue + " was already paused"));
    }

    public Reply resume(String actor, String queue) {
        Reply bad = checkQueue(queue);
        if (bad != null) return record(actor, "resume", queue, bad);
        boolean changed = admin.resume(queue);
        return record(actor, "resume", queue, new Reply(true, 0, changed ? "resumed " + queue : queue + " was not paused"));
    }

    /**
     * Graceful stop of one instance. Under {@code gorgon up} the supervisor stops it and scales its role down by one;
     * without a supervisor (roles run by systemd, Kubernetes…) the instance, named by its registry id, is told over
     * the control broadcast to drain and exit, and its own supervisor decides what follows.
     */
    public Reply drain(String actor, String instance) {
        // Any live registry id works without a supervisor (e.g. web-48213-k3j9x1 from 'gorgon role web').
        if (instance != null && !control.supervisorAlive() && isLive(instance)) return direct(actor, "drain", instance);
        String name = childName(instance);
        if (name == null) return record(actor, "drain", instance, badInstance(instance));
        return supervisor(actor, "drain", name, "stop", one("target", name));
    }

    /** SIGKILL of one instance, for drills: the supervisor restarts it (without one, the instance halts itself). */
    public Reply kill(String actor, String instance) {
        // Any live registry id works without a supervisor (e.g. web-48213-k3j9x1 from 'gorgon role web').
        if (instance != null && !control.supervisorAlive() && isLive(instance)) return direct(actor, "kill", instance);
        String name = childName(instance);
        if (name == null) return record(actor, "kill", instance, badInstance(instance));
        return supervisor(actor, "kill", name, "kill", one("target", name));
    }

    private boolean isLive(String registryId) {
        return admin.instances().stream().anyMatch(i -> i.id().equals(registryId) && !i.status().equals("gone"));
    }

    private Reply direct(String actor, String action, String instance) {
        admin.broadcast(action.equals("drain") ? DRAIN_COMMAND : KILL_COMMAND, Map.of("instance", instance));
        return record(actor, action, instance, new Reply(true, 0, action.equals("drain")
                ? "asked " + instance + " to drain and exit (within a heartbeat)"
                : "asked " + instance + " to halt at once (within a heartbeat)"));
    }

    /** Graceful stop of a role's instances, one instance, or (target null) the whole mesh. */
    public Reply stop(String actor, String target) {
        JsonObject args = new JsonObject();
        if (target != null) args.addProperty("target", target);
        return supervisor(actor, "stop", target == null ? "mesh" : target, "stop", args);
    }

    /** Sets instance counts per role; the supervisor checks the roles and the range. */
    public Reply scale(String actor, Map<String, Integer> counts) {
        JsonObject c = new JsonObject();
        counts.forEach(c::addProperty);
        JsonObject args = new JsonObject();
        args.add("counts", c);
        return supervisor(actor, "scale", counts.toString(), "scale", args);
    }

    /** The counts the mesh keeps (its supervisors follow them); empty when none is running. */
    public Map<String, Integer> desiredCounts() {
        return control.desiredCounts();
    }

    /**
     * One host of the mesh: its supervisor's last status (null when its roles run without {@code gorgon up}) and
     * the live registry instances that advertise its name.
     */
    public record HostGroup(String host, String address, JsonObject supervisor, List<InstanceInfo> instances) {}

    /** The mesh's instances grouped by host, hosts by name ({@link #byHost}). */
    public List<HostGroup> hosts() {
        return byHost(admin.instances(), control.hosts());
    }

    /** Registry instances grouped by the host they advertise, with the supervisors' statuses; hosts by name. */
    public static List<HostGroup> byHost(List<InstanceInfo> instances, List<JsonObject> supervisors) {
        Map<String, JsonObject> bySupervisor = new TreeMap<>();
        for (JsonObject s : supervisors) bySupervisor.put(s.get("host").getAsString(), s);
        Map<String, List<InstanceInfo>> grouped = new TreeMap<>();
        bySupervisor.keySet().forEach(h -> grouped.put(h, new ArrayList<>()));
        for (InstanceInfo i : instances) grouped.computeIfAbsent(i.host(), h -> new ArrayList<>()).add(i);
        List<HostGroup> out = new ArrayList<>();
        grouped.forEach((host, list) -> {
            JsonObject s = bySupervisor.get(host);
            String address = s != null && s.has("address") ? s.get("address").getAsString() : "";
            list.sort(Comparator.comparing(InstanceInfo::role).thenComparing(InstanceInfo::id));
            out.add(new HostGroup(host, address, s, List.copyOf(list)));
        });
        return out;
    }

    private Reply supervisor(String actor, String action, String target, String verb, JsonObject args) {
        return record(actor, action, target, control.send(verb, args, CONTROL_TIMEOUT));
    }

    private Reply checkQueue(String queue) {
        if (queue == null || queue.isBlank()) return new Reply(false, 2, "missing queue name");
        List<String> known = admin.queues().stream().map(QueueInfo::name).toList();
        if (known.contains(queue)) return null;
        return new Reply(false, NOT_FOUND, "no queue '" + queue + "'; queues: " + String.join(", ", known));
    }

    private Reply record(String actor, String action, String target, Reply r) {
        if (logActions) {
            log.info("event=operator_action actor={} action={} target=\"{}\" ok={} code={} result=\"{}\"",
                    actor, action, target, r.ok(), r.code(), r.message());
        }
        audit.add(actor, action, target, r);
        return r;
    }

    /** "web-2" for "web-2" or the registry id "web-2-k3j9x1"; null when neither. */
    static String childName(String instance) {
        if (instance == null) return null;
        Matcher id = REGISTRY_ID.matcher(instance);
        String name = id.matches() ? id.group(1) : instance;
        Matcher child = CHILD_NAME.matcher(name);
        return child.matches() && GorgonConfig.ROLES.contains(child.group(1)) ? name : null;
    }

    private static Reply badInstance(String instance) {
        return new Reply(false, 2, "expected an instance like web-1 (roles: " + String.join(", ", GorgonConfig.ROLES)
                + "), got '" + instance + "'");
    }

    private static JsonObject one(String key, String value) {
        JsonObject o = new JsonObject();
        o.addProperty(key, value);
        return o;
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
