package io.gorgon.roles.cli;

import io.gorgon.bus.Admin;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.EmbeddedInfra;
import io.gorgon.roles.infra.Jvm;
import io.gorgon.roles.supervisor.ControlClient;
import io.gorgon.roles.supervisor.Supervisor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The supervisor ({@code gorgon up} with {@link UpCommand#ENV_DETACHED}) as a child in its own session (setsid), so
 * that a terminal's Ctrl-C, which signals the whole foreground process group, reaches only the command the user ran.
 * That command then stops the mesh in order ({@link #stop}): SIGTERM, the supervisor drains every instance and stops
 * the infrastructure last. {@link #killNow} is the second Ctrl-C. If the command itself dies, even by SIGKILL, the
 * supervisor notices ({@link ParentWatch} on {@link UpCommand#ENV_LAUNCHER_PID}) and drains by itself.
 */
final class DetachedMesh {
    static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
    private static final Duration READY_LIMIT = Duration.ofSeconds(240); // 7 JVMs + mongo on a busy 2-core box took 75 s

    private final Process process;

    private DetachedMesh(Process process) {
        this.process = process;
    }

    static Path setsid() {
        return SETSID.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** Starts the supervisor; its output goes to {@code log}, or to our own stdout/stderr if null. */
    static DetachedMesh start(Path setsid, ConfigOptions config, Map<String, String> env, Path log) throws IOException {
        try { // here rather than only in the supervisor, so the user sees the line even when its output goes to a log
            EmbeddedInfra.cleanStale(config.load(), line -> System.out.println("gorgon: " + line));
        } catch (IllegalStateException inUse) {
            throw new CommandFailure(Gorgon.FAILED, inUse.getMessage());
        }
        List<String> cmd = new ArrayList<>();
        if (setsid != null) cmd.add(setsid.toString());
        cmd.addAll(Jvm.gorgon("256m", env, "up"));
        if (config.file() != null) cmd.addAll(List.of("--config", config.file().toString()));
        for (String s : config.sets()) cmd.addAll(List.of("--set", s));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (log == null) {
            pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        } else {
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        pb.environment().put(UpCommand.ENV_DETACHED, "1");
        pb.environment().put(UpCommand.ENV_LAUNCHER_PID, String.valueOf(ProcessHandle.current().pid()));
        return new DetachedMesh(pb.start());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Asks the supervisor to drain and stop (SIGTERM); returns at once. */
    void requestStop() {
        process.destroy();
    }

    /** SIGTERM, then waits for the drain (the supervisor's own limits, plus a margin); SIGKILLs all if it hangs. */
    int stop() throws InterruptedException {
        requestStop();
        if (process.waitFor(Supervisor.DRAIN.toSeconds() + 40, TimeUnit.SECONDS)) return process.exitValue();
        killNow();
        return Gorgon.FAILED;
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** SIGKILL to the supervisor and everything it started (roles, redis-server, mongo), and waits for them. */
    void killNow() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly(); // first, so it restarts nothing
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception stillThere) {
                // nothing more we can do
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until every configured instance of every role is live in the registry (not just one per role: a role
     * that is still starting would otherwise miss the first work, as the seeder's warning showed). False if the
     * supervisor exited, {@code cancelled} turned true, or {@link #READY_LIMIT} passed; prints why on {@code err}.
     */
    boolean awaitReady(GorgonConfig cfg, BooleanSupplier cancelled, PrintStream err, String seeLogs) throws InterruptedException {
        Map<String, Integer> wanted = new TreeMap<>();
        for (String r : GorgonConfig.ROLES) if (cfg.instances(r) > 0) wanted.put(r, cfg.instances(r));
        ControlClient control = new ControlClient(cfg);
        Admin admin = Admin.connect(cfg.redis().busUri(), cfg.namespace(), Duration.ofMillis(cfg.bus().heartbeatMs()),
                Duration.ofMillis(cfg.bus().takeoverAfterMs()));
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        Map<String, Integer> missing = wanted;
        while (System.nanoTime() < deadline && !cancelled.getAsBoolean()) {
            if (!process.isAlive()) {
                err.println("gorgon: the mesh did not start (supervisor exit " + process.exitValue() + "); see " + seeLogs);
                return false;
            }
            try {
                // A host joining a running mesh follows the mesh's counts, not its own config's.
                Map<String, Integer> mesh = new TreeMap<>(control.desiredCounts());
                mesh.values().removeIf(n -> n == 0);
                missing = missing(mesh.isEmpty() ? wanted : mesh, admin.instances());
                if (missing.isEmpty()) return true;
            } catch (RuntimeException notYet) {
                // Redis is not up yet
            }
            Thread.sleep(250);
        }
        if (!cancelled.getAsBoolean()) {
            err.println("gorgon: not every instance came up within " + READY_LIMIT.toSeconds() + " s (still missing "
                    + missing + "); see " + seeLogs);
        }
        return false;
    }

    /** Per role, how many configured instances are not live yet; empty when all are. */
    static Map<String, Integer> missing(Map<String, Integer> wanted, List<InstanceInfo> instances) {
        Map<String, Integer> missing = new TreeMap<>(wanted);
        for (InstanceInfo i : instances) {
            if (i.status().equals("live")) missing.computeIfPresent(i.role(), (r, n) -> n > 1 ? n - 1 : null);
        }
        return missing;
    }

    /** The lines a user needs once the mesh is up. */
    static void printUp(GorgonConfig cfg, PrintStream out) {
        String address = cfg.host().address().isEmpty() ? "127.0.0.1" : cfg.host().address();
        out.println();
        out.println("Gorgon is up" + (cfg.host().name().isEmpty() ? "." : " on host " + cfg.host().name() + "."));
        out.println("  stats page : http://" + cfg.stats().host().replace("0.0.0.0", "127.0.0.1") + ":" + cfg.stats().port() + "/");
        out.println("  HTTP API   : http://" + address + ":" + cfg.web().port() + "/health");
        out.println("  notify     : ws://" + address + ":" + cfg.notifier().port() + "/ws");
        out.println("  try        : scripts/gorgon status · scripts/gorgon scale web=2 · scripts/gorgon kill store-1");
        out.flush();
    }
}
