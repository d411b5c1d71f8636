package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.simulator.Simulator;
import io.gorgon.simulator.SimulatorOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
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
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Option(names = "--duration", defaultValue = "forever", description = "Load duration (60s, 5m…) or 'forever' = until Ctrl-C (default ${DEFAULT-VALUE}).") String duration;
    @Option(names = "--users", defaultValue = "1000", description = "Users to seed (default ${DEFAULT-VALUE}).") int users;
    @Option(names = "--items", defaultValue = "20000", description = "Notes to seed (default ${DEFAULT-VALUE}).") long items;
    @Option(names = "--clients", defaultValue = "8", description = "Concurrent HTTP clients (default ${DEFAULT-VALUE}).") int clients;
    @Option(names = "--info-rate", defaultValue = "100", description = "At most this many GET /info per second, all clients together; 0 = as fast as answered (default ${DEFAULT-VALUE}).") double infoRate;
    @Option(names = "--rate", defaultValue = "50", description = "Notes inserted per second during the load, on top of the provider's (default ${DEFAULT-VALUE}).") double rate;

    @Override
    public Integer call() throws Exception {
        GorgonConfig cfg = config.loadForMesh();
        SimulatorOptions sim;
        try {
            sim = SimulatorOptions.defaults().withScale(users, items)
                    .withLoad(clients, rate, "forever".equals(duration) ? null : SimulatorOptions.parseDuration("--duration", duration))
                    .withMesh(cfg.redis().busUri(), cfg.namespace(), cfg.mongo().uri(), cfg.mongo().database())
                    .withWarmup(Duration.ofSeconds(3)).withInfoRate(infoRate);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        System.setProperty("gorgon.role", "demo");
        System.setProperty("gorgon.instance", "demo-" + ProcessHandle.current().pid());
        PrintStream out = System.out;
        Path logs = Path.of(cfg.logs().dir());
        Files.createDirectories(logs);
        Path supervisorLog = logs.resolve("supervisor.log");
        out.println("starting the mesh (logs in " + logs.toAbsolutePath() + ") …");
        out.println(DataGrowth.describe(cfg, rate));
        out.flush();
        DetachedMesh mesh = DetachedMesh.start(DetachedMesh.setsid(), config, Gorgon.env(spec), supervisorLog);
        Simulator simulator = new Simulator();
        Interrupts stop = Interrupts.install(System.err,
                "stopping: finishing the load, the loss check and the report, then draining the mesh",
                simulator::stop, mesh::killNow);
        Thread hangup = new Thread(() -> { // SIGHUP (terminal closed) and the like: still drain the mesh
            simulator.stop();
            try {
                if (mesh.isAlive()) mesh.stop();
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "demo-stop-mesh");
        Runtime.getRuntime().addShutdownHook(hangup);
        try {
            return runAndStop(cfg, sim, mesh, simulator, stop, hangup, supervisorLog, out);
        } finally {
            stop.holdIfKilling(); // also when the run failed because the second Ctrl-C killed the mesh under it
        }
    }

    private int runAndStop(GorgonConfig cfg, SimulatorOptions sim, DetachedMesh mesh, Simulator simulator, Interrupts stop,
                           Thread hangup, Path supervisorLog, PrintStream out) throws InterruptedException {
        int code = Gorgon.FAILED;
        if (mesh.awaitReady(cfg, stop::requested, System.err, supervisorLog.toString())) {
            DetachedMesh.printUp(cfg, out);
            out.println("Seeding " + users + " users and " + items + " notes, then " + clients + " clients on GET /info"
                    + (infoRate > 0 ? " (at most " + (int) infoRate + "/s)" : "") + " and " + (int) rate + " inserts/s " + ("forever".equals(duration) ? "until Ctrl-C" : "for " + duration) + ".");
            out.println();
            out.flush();
            code = simulator.run(sim, new SupervisorChaos(cfg), out);
        } else if (stop.requested()) {
            code = Gorgon.OK;
        }
        out.println("stopping the mesh (draining every instance, then the infrastructure) …");
        out.flush();
        int meshCode = mesh.stop();
        stop.holdIfKilling();
        removeHook(hangup);
        out.println(meshCode == 0 ? "stopped; nothing left running." : "the mesh stopped with exit code " + meshCode + "; see " + supervisorLog);
        out.flush();
        return code != 0 ? code : meshCode == 0 ? Gorgon.OK : Gorgon.FAILED;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running
        }
    }
}
