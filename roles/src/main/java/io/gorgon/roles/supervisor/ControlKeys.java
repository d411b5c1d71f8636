package io.gorgon.roles.supervisor;

import io.gorgon.bus.Keys;

/**
 * Every Redis key the supervisor and the control commands ({@code gorgon scale|stop|kill}) share; one place, one
 * namespace prefix.
 *
 * <ul>
 *   <li>{@link #config()} string: the effective config document (JSON) the supervisor started with.</li>
 *   <li>{@link #alive()} string with TTL: the running supervisor's heartbeat {@code {"pid","host","startedAt"}};
 *       absent means no supervisor.</li>
 *   <li>{@link #commands()} list: control commands {@code {"id","cmd","args","ts"}}, RPUSHed by the CLI.</li>
 *   <li>{@link #reply(String)} list: the one reply {@code {"ok","code","message"}} to command {@code id}.</li>
 *   <li>{@link #children()} string with TTL: the supervisor's status {@code {"pid","host","startedAt","updatedAt",
 *       "desired":{role:n},"children":[{"name","role","pid","port","restarts","state","since","lastExit","log"}],
 *       "infra":{"redis":{"pid","port"},"mongo":{"pid","port"}}}}; state is running, backoff or stopping.</li>
 * </ul>
 */
public record ControlKeys(String namespace) {
    private Keys keys() {
        return new Keys(namespace);
    }

    public String config() {
        return keys().key("config");
    }

    public String alive() {
        return keys().key("supervisor", "alive");
    }

    public String commands() {
        return keys().key("supervisor", "commands");
    }

    public String reply(String commandId) {
        return keys().key("supervisor", "reply", commandId);
    }

    public String children() {
        return keys().key("supervisor", "children");
    }
}
