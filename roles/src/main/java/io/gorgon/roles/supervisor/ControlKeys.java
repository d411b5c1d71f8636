package io.gorgon.roles.supervisor;

import io.gorgon.bus.Keys;

/**
 * Every Redis key the supervisors and the control commands ({@code gorgon scale|stop|kill}) share; one place, one
 * namespace prefix. The mesh-wide keys share the hash tag {@code {mesh}}, so {@link MeshState}'s scripts stay in one
 * Redis Cluster slot.
 *
 * <ul>
 *   <li>{@link #config()} string: the effective config document (JSON) the first supervisor started with.</li>
 *   <li>{@link #hosts()} sorted set: live supervisor's host name → when its heartbeat expires (Redis server ms).</li>
 *   <li>{@link #slots()} hash: the mesh's desired state, one field per instance slot ({@code web-2}) → the host that
 *       runs it ("" while none does), plus the field {@code #} that marks the hash as seeded. A role's count is its
 *       number of fields.</li>
 *   <li>{@link #host(String)} string with TTL: that supervisor's status {@code {"pid","host","address","startedAt",
 *       "updatedAt","desired":{role:n},"children":[{"name","role","pid","port","restarts","state","since","lastExit",
 *       "log"}],"infra":{"redis":{"pid","port"},"mongo":{"pid","port"}}}}; state is running, backoff or stopping.</li>
 *   <li>{@link #commands(String)} list: control commands {@code {"id","cmd","args","ts"}} for that host's supervisor,
 *       RPUSHed by the CLI.</li>
 *   <li>{@link #reply(String)} list: the one reply {@code {"ok","code","message"}} to command {@code id}.</li>
 * </ul>
 */
public record ControlKeys(String namespace) {
    private static final String TAG = "mesh";

    private Keys keys() {
        return new Keys(namespace);
    }

    public String config() {
        return keys().key("config");
    }

    public String hosts() {
        return keys().tagged("supervisor", TAG, "hosts");
    }

    public String slots() {
        return keys().tagged("supervisor", TAG, "slots");
    }

    public String host(String host) {
        return keys().tagged("supervisor", TAG, "host", host);
    }

    public String commands(String host) {
        return keys().tagged("supervisor", TAG, "commands", host);
    }

    public String reply(String commandId) {
        return keys().key("supervisor", "reply", commandId);
    }
}
