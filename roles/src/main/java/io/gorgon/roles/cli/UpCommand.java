package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.supervisor.Supervisor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the embedded Redis and MongoDB (if configured) and every role, and keep them running.",
                "Ctrl-C or SIGTERM drains the instances (up to 20 s), then stops the infrastructure.",
                "Control it from another terminal with 'gorgon scale', 'gorgon stop', 'gorgon kill'."})
final class UpCommand implements Callable<Integer> {
    /** Set on the detached supervisor process so it does not detach again. */
    static final String ENV_DETACHED = "GORGON_DETACHED";
    static final String ENV_LAUNCHER_PID = "GORGON_LAUNCHER_PID";

    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        GorgonConfig cfg = config.loadForMesh();
        Map<String, String> env = Gorgon.env(spec);
        Path setsid = DetachedMesh.setsid();
        if (!"1".equals(env.get(ENV_DETACHED)) && setsid != null) return detached(cfg, setsid, env);
        return supervise(cfg, env);
    }

    /**
     * Runs the supervisor in a new session ({@link DetachedMesh}): Ctrl-C here becomes one SIGTERM to it, and it drains
     * the instances and stops the infrastructure in order; a second Ctrl-C kills them all at once (exit 130).
     */
    private int detached(GorgonConfig cfg, Path setsid, Map<String, String> env) throws IOException, InterruptedException {
        PrintStream out = System.out;
        out.println(DataGrowth.describe(cfg, 0));
        DetachedMesh mesh = DetachedMesh.start(setsid, config, env, null);
        Interrupts stop = Interrupts.install(System.err, "stopping: draining every instance, then the infrastructure",
                mesh::requestStop, mesh::killNow);
        Thread hangup = new Thread(() -> { // SIGHUP (terminal closed) and the like: still drain
            try {
                if (mesh.isAlive()) mesh.stop();
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "up-stop-mesh");
        Runtime.getRuntime().addShutdownHook(hangup);
        try {
            return awaitAndWait(cfg, mesh, stop, hangup, out);
        } finally {
            stop.holdIfKilling(); // also when a wait failed because the second Ctrl-C killed the mesh under it
        }
    }

    private static int awaitAndWait(GorgonConfig cfg, DetachedMesh mesh, Interrupts stop, Thread hangup, PrintStream out)
            throws InterruptedException {
        if (mesh.awaitReady(cfg, stop::requested, System.err, "the supervisor's lines above and " + cfg.logs().dir())) {
            DetachedMesh.printUp(cfg, out);
            out.println("Ctrl-C stops it (drains every instance, then the infrastructure).");
            out.flush();
        }
        int code = mesh.waitFor();
        stop.holdIfKilling();
        removeHook(hangup);
        if (stop.requested() && code == 0) out.println("gorgon: stopped; nothing left running.");
        return code;
    }

    private int supervise(GorgonConfig cfg, Map<String, String> env) throws InterruptedException {
        System.setProperty("gorgon.role", "supervisor");
        System.setProperty("gorgon.instance", "supervisor-" + ProcessHandle.current().pid());
        Logging.setLevel(cfg.logs().level());
        ParentWatch.exitWhenGone(env.get(ENV_LAUNCHER_PID), "launcher");
        Supervisor supervisor = new Supervisor(cfg, config.file(), config.sets(), env);
        // On SIGTERM/SIGINT: drain, then exit 0 (a plain signal exit would be 143).
        Thread drain = new Thread(() -> {
            supervisor.requestStop();
            try {
                supervisor.awaitFinished(Supervisor.DRAIN.plus(Duration.ofSeconds(30)));
            } catch (InterruptedException ignored) {
                // halt anyway
            }
            Runtime.getRuntime().halt(Gorgon.OK);
        }, "supervisor-drain");
        Runtime.getRuntime().addShutdownHook(drain);
        try {
            return supervisor.run();
        } catch (IllegalStateException e) {
            throw new CommandFailure(Gorgon.FAILED, e.getMessage());
        } finally {
            removeHook(drain);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // A signal arrived: the hook is running and decides the exit code.
        }
    }
}
