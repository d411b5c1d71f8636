package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The bodies of the commands that need the bus admin API. Each returns the exit code (0 ok, 1 failed, 2 bad input)
 * and prints to {@code out} (results) and {@code err} (one-line problems). Picocli parsing and validation of the
 * options happen before these are called.
 *
 * <p>STUBS on the cli branch: they are filled in with the bus admin API.
 */
public final class AdminCommands {
    private AdminCommands() {}

    /** Options of {@code gorgon simulate}; target is null when the web port of the config should be used. */
    public record SimulateRequest(int users, double ratePerSecond, int durationSeconds, int clients, String target, Path report) {}

    public static int status(GorgonConfig config, boolean json, PrintWriter out, PrintWriter err) {
        return notYet("status", err);
    }

    /** queue null: list the dead-letter queues and their sizes; else up to {@code limit} entries of that queue. */
    public static int dlqList(GorgonConfig config, String queue, int limit, boolean json, PrintWriter out, PrintWriter err) {
        return notYet("dlq list", err);
    }

    /** Moves up to {@code limit} dead letters of {@code queue} back to the queue (limit 0 = all). */
    public static int dlqRequeue(GorgonConfig config, String queue, int limit, PrintWriter out, PrintWriter err) {
        return notYet("dlq requeue", err);
    }

    public static int dlqPurge(GorgonConfig config, String queue, PrintWriter out, PrintWriter err) {
        return notYet("dlq purge", err);
    }

    /** {@code config} is the freshly loaded and validated file (+env, --set); publish it to running instances. */
    public static int configReload(GorgonConfig config, PrintWriter out, PrintWriter err) {
        return notYet("config reload", err);
    }

    public static int simulate(GorgonConfig config, SimulateRequest request, PrintWriter out, PrintWriter err) {
        return notYet("simulate", err);
    }

    /** Start a local mesh, drive it with the simulator for {@code durationSeconds}, point the user at the stats page. */
    public static int demo(GorgonConfig config, int durationSeconds, PrintWriter out, PrintWriter err) {
        return notYet("demo", err);
    }

    private static int notYet(String command, PrintWriter err) {
        err.println("gorgon: " + command + ": not available yet");
        return Gorgon.FAILED;
    }
}
