package io.gorgon.roles.cli;

import io.gorgon.bus.Admin;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.Jvm;
import io.gorgon.simulator.SimulatorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"'gorgon up' with this config, then the simulator with moderate load, and the stats page to watch.",
                "Ctrl-C stops the load, drains every instance and stops the infrastructure."})
final class DemoCommand implements Callable<Integer> {
    private static final Duration READY_LIMIT = Duration.ofSeconds(120);

    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Option(names = "--duration", defaultValue = "forever", description = "Load duration (60s, 5m…) or 'forever' = until Ctrl-C (default ${DEFAULT-VALUE}).") String duration;
    @Option(names = "--users", defaultValue = "1000", description = "Users to seed (default ${DEFAULT-VALUE}).") int users;
    @Option(names = "--items", defaultValue = "20000", description = "Notes to seed (default ${DEFAULT-VALUE}).") long items;
    @Option(names = "--clients", defaultValue = "16", description = "Concurrent HTTP clients (default ${DEFAULT-VALUE}).") int clients;
    @Option(names = "--rate", defaultValue = "200", description = "Notes inserted per second during the load (default ${DEFAULT-VALUE}).") double rate;

    @Override
    public Integer call() throws Exception {
        GorgonConfig cfg = config.load();
        SimulatorOptions sim;
        try {
            sim = SimulatorOptions.defaults().withScale(users, items)
                    .withLoad(clients, rate, "forever".equals(duration) ? null : SimulatorOptions.parseDuration("--duration", duration))
                    .withMesh(cfg.redis().busUri(), cfg.namespace(), cfg.mongo().uri(), cfg.mongo().database())
                    .withWarmup(Duration.ofSeconds(3));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        var out = spec.commandLine().getOut();
        Path logs = Path.of(cfg.logs().dir());
        Files.createDirectories(logs);
        Process supervisor = startSupervisor(logs.resolve("supervisor.log"));
        Thread stopMesh = new Thread(() -> stop(supervisor), "demo-stop-mesh");
        Runtime.getRuntime().addShutdownHook(stopMesh);
        out.println("starting the mesh (logs in " + logs.toAbsolutePath() + ") …");
        out.flush();
        if (!awaitReady(cfg, supervisor, logs)) return Gorgon.FAILED;
        String host = "http://127.0.0.1:";
        out.println();
        out.println("Gorgon is up.");
        out.println("  stats page : " + host + cfg.stats().port() + "/");
        out.println("  HTTP API   : " + host + cfg.web().port() + "/health");
        out.println("  notify     : ws://127.0.0.1:" + cfg.notifier().port() + "/ws");
        out.println("  try        : scripts/gorgon status · scripts/gorgon scale web=2 · scripts/gorgon kill store-1");
        out.println("Seeding " + users + " users and " + items + " notes, then " + clients + " clients on GET /info and "
                + (int) rate + " inserts/s " + ("forever".equals(duration) ? "until Ctrl-C" : "for " + duration) + ".");
        out.println();
        out.flush();
        int code = SimulateCommand.run(sim, new SupervisorChaos(cfg));
        Runtime.getRuntime().removeShutdownHook(stopMesh);
        stop(supervisor);
        return code;
    }

    /** 'gorgon up' in its own session, so a Ctrl-C here reaches only us; we then drain it in order. */
    private Process startSupervisor(Path log) throws java.io.IOException {
        List<String> cmd = new ArrayList<>();
        for (Path setsid : List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"))) {
            if (Files.isExecutable(setsid)) {
                cmd.add(setsid.toString());
                break;
            }
        }
        cmd.addAll(Jvm.gorgon("256m", Map.of(), "up"));
        if (config.file() != null) cmd.addAll(List.of("--config", config.file().toString()));
        for (String s : config.sets()) cmd.addAll(List.of("--set", s));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put(UpCommand.ENV_DETACHED, "1");
        pb.environment().put(UpCommand.ENV_LAUNCHER_PID, String.valueOf(ProcessHandle.current().pid()));
        return pb.start();
    }

    /** Ready when every configured role has a live instance in the registry. */
    private boolean awaitReady(GorgonConfig cfg, Process supervisor, Path logs) throws InterruptedException {
        Set<String> wanted = GorgonConfig.ROLES.stream().filter(r -> cfg.instances(r) > 0).collect(Collectors.toSet());
        Admin admin = Admin.connect(cfg.redis().busUri(), cfg.namespace(), Duration.ofMillis(cfg.bus().heartbeatMs()),
                Duration.ofMillis(cfg.bus().takeoverAfterMs()));
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!supervisor.isAlive()) {
                spec.commandLine().getErr().println("gorgon: demo: the mesh did not start; see " + logs.resolve("supervisor.log"));
                return false;
            }
            try {
                Set<String> live = admin.instances().stream().filter(i -> i.status().equals("live"))
                        .map(InstanceInfo::role).collect(Collectors.toSet());
                if (live.containsAll(wanted)) return true;
            } catch (RuntimeException notYet) {
                // Redis not up yet
            }
            Thread.sleep(250);
        }
        spec.commandLine().getErr().println("gorgon: demo: not every role came up within " + READY_LIMIT.toSeconds() + " s; see " + logs);
        stop(supervisor);
        return false;
    }

    private static void stop(Process supervisor) {
        if (!supervisor.isAlive()) return;
        System.out.println("stopping the mesh (draining instances) …");
        supervisor.destroy();
        try {
            if (!supervisor.waitFor(60, TimeUnit.SECONDS)) supervisor.destroyForcibly();
        } catch (InterruptedException e) {
            supervisor.destroyForcibly();
        }
    }
}
