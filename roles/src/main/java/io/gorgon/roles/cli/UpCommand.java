package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.Jvm;
import io.gorgon.roles.supervisor.Supervisor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the embedded Redis and MongoDB (if configured) and every role, and keep them running.",
                "Ctrl-C or SIGTERM drains the instances (up to 20 s), then stops the infrastructure.",
                "Control it from another terminal with 'gorgon scale', 'gorgon stop', 'gorgon kill'."})
final class UpCommand implements Callable<Integer> {
    /** Set on the detached supervisor process so it does not detach again. */
    static final String ENV_DETACHED = "GORGON_DETACHED";
    static final String ENV_LAUNCHER_PID = "GORGON_LAUNCHER_PID";
    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        GorgonConfig cfg = config.load();
        Map<String, String> env = Gorgon.env(spec);
        Path setsid = SETSID.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (!"1".equals(env.get(ENV_DETACHED)) && setsid != null) return detached(setsid, env);
        return supervise(cfg, env);
    }

    /**
     * Runs the supervisor in a new session (setsid), forwarding our SIGINT/SIGTERM to it as one SIGTERM. A Ctrl-C in
     * the terminal signals the whole foreground process group; in its own session the supervisor's children (redis,
     * mongo, roles) are spared, so it can drain them in order instead of everything dying at once.
     */
    private int detached(Path setsid, Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(setsid.toString());
        cmd.addAll(Jvm.gorgon("256m", Map.of(), "up"));
        Path file = config.file();
        if (file != null) cmd.addAll(List.of("--config", file.toString()));
        for (String s : config.sets()) cmd.addAll(List.of("--set", s));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(ENV_DETACHED, "1");
        pb.environment().put(ENV_LAUNCHER_PID, String.valueOf(ProcessHandle.current().pid()));
        Process supervisor = pb.start();
        Thread forward = new Thread(() -> {
            supervisor.destroy();
            try {
                boolean done = supervisor.waitFor(Supervisor.DRAIN.toSeconds() + 40, TimeUnit.SECONDS);
                Runtime.getRuntime().halt(done ? supervisor.exitValue() : Gorgon.FAILED);
            } catch (InterruptedException e) {
                Runtime.getRuntime().halt(Gorgon.FAILED);
            }
        }, "up-forward-signal");
        Runtime.getRuntime().addShutdownHook(forward);
        int code = supervisor.waitFor();
        removeHook(forward);
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
