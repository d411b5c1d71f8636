package io.gorgon.roles.supervisor;

import com.google.gson.JsonObject;

import java.nio.file.Path;

/** One supervised role instance (e.g. web-2): its slot, its current process and its restart history. */
final class Instance {
    enum State { RUNNING, BACKOFF, STOPPING }

    final String role;
    final int index;
    final String name;
    /** -1: the role listens on no port; 0: any free port; else the port this instance is told to use. */
    final int port;
    final Path log;
    Process process;
    State state = State.BACKOFF;
    int restarts;
    int failures;
    long startedAtMs;
    long nextStartAtMs;
    long stopDeadlineMs;
    Integer lastExit;

    Instance(String role, int index, int port, Path log) {
        this.role = role;
        this.index = index;
        this.name = role + "-" + index;
        this.port = port;
        this.log = log;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process == null ? -1 : process.pid();
    }

    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("role", role);
        o.addProperty("pid", alive() ? pid() : -1);
        if (port >= 0) o.addProperty("port", port);
        o.addProperty("restarts", restarts);
        o.addProperty("state", state.name().toLowerCase(java.util.Locale.ROOT));
        o.addProperty("since", state == State.BACKOFF ? nextStartAtMs : startedAtMs);
        if (lastExit != null) o.addProperty("lastExit", lastExit);
        o.addProperty("log", log.toString());
        return o;
    }
}
