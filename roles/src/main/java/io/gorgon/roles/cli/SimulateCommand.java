package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.simulator.Simulator;
import io.gorgon.simulator.SimulatorOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Load a running mesh like the seed's simulator and check that nothing was lost.",
                "Seeds users and notes through store_put, reads GET /info/{uid} with concurrent clients while inserting",
                "notes, optionally kills instances (--chaos), then checks every acknowledged insert is stored once.",
                "Exits 1 if anything was lost, duplicated or left unanswered."})
final class SimulateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Option(names = "--users", defaultValue = "10000", description = "Users to seed (default ${DEFAULT-VALUE}).") int users;
    @Option(names = "--items", defaultValue = "1000000", description = "Notes to seed (default ${DEFAULT-VALUE}).") long items;
    @Option(names = "--clients", defaultValue = "100", description = "Concurrent HTTP clients on GET /info (default ${DEFAULT-VALUE}).") int clients;
    @Option(names = "--rate", defaultValue = "1000", description = "Notes inserted per second during the load (default ${DEFAULT-VALUE}).") double rate;
    @Option(names = "--info-rate", defaultValue = "0", description = "At most this many GET /info per second, all clients together; 0 = as fast as answered (default ${DEFAULT-VALUE}).") double infoRate;
    @Option(names = "--duration", defaultValue = "60s", description = "Load duration: 60s, 5m, 1h; 'forever' = until Ctrl-C (default ${DEFAULT-VALUE}).") String duration;
    @Option(names = "--warmup", defaultValue = "0s", description = "Leading seconds left out of the latency figures (default ${DEFAULT-VALUE}).") String warmup;
    @Option(names = "--chaos", description = "SIGKILL a random role instance every --kill-every (the supervisor restarts it).") boolean chaos;
    @Option(names = "--kill-every", defaultValue = "10s", description = "Interval between chaos kills (default ${DEFAULT-VALUE}).") String killEvery;
    @Option(names = "--restart-redis", description = "With --chaos: also restart the embedded Redis once, mid-run.") boolean restartRedis;
    @Option(names = "--report", paramLabel = "FILE", description = "Write the report as JSON to FILE and an HTML page beside it.") Path report;
    @Option(names = "--seed-only", description = "Only seed the data.") boolean seedOnly;
    @Option(names = "--load-only", description = "Only run the load (data seeded earlier).") boolean loadOnly;
    @Option(names = "--web", split = ",", paramLabel = "URL", description = "Web instances (default: the live ones in the registry).") List<URI> web = new ArrayList<>();
    @Option(names = "--request-timeout", defaultValue = "10s", description = "Per HTTP request (default ${DEFAULT-VALUE}).") String requestTimeout;
    @Option(names = "--drain-timeout", defaultValue = "120s", description = "How long the checker waits for inserts to land (default ${DEFAULT-VALUE}).") String drainTimeout;

    @Option(names = "--feeds", defaultValue = "0", paramLabel = "N",
            description = "Instead of the notes load: serve N synthetic feeds and a webhook receiver, follow them through the API "
                    + "(Zipf followers), publish entries for --duration and check every entry arrived exactly once and every "
                    + "webhook event at least once. With --chaos, SIGKILLs provider instances.") int feeds;
    @Option(names = "--feed-users", defaultValue = "8", description = "With --feeds: API users that follow the feeds (default ${DEFAULT-VALUE}).") int feedUsers;
    @Option(names = "--feed-gap", defaultValue = "20s", description = "With --feeds: mean time between two entries of one feed (default ${DEFAULT-VALUE}).") String feedGap;

    @Override
    public Integer call() {
        GorgonConfig c = config.load();
        if (feeds > 0) return feeds(c);
        SimulatorOptions o;
        try {
            o = new SimulatorOptions(users, items, clients, rate,
                    "forever".equals(duration) ? null : SimulatorOptions.parseDuration("--duration", duration),
                    chaos, SimulatorOptions.parseDuration("--kill-every", killEvery), restartRedis, report, seedOnly, loadOnly,
                    c.redis().busUri(), c.namespace(), c.mongo().uri(), c.mongo().database(), web,
                    SimulatorOptions.parseDuration("--request-timeout", requestTimeout),
                    SimulatorOptions.parseDuration("--drain-timeout", drainTimeout),
                    SimulatorOptions.parseDuration("--warmup", warmup), infoRate);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return run(o, new SupervisorChaos(c));
    }

    private int feeds(GorgonConfig c) {
        io.gorgon.simulator.FeedSimulation sim;
        try {
            sim = new io.gorgon.simulator.FeedSimulation(feeds, feedUsers,
                    SimulatorOptions.parseDuration("--duration", "forever".equals(duration) ? "60s" : duration),
                    SimulatorOptions.parseDuration("--feed-gap", feedGap), chaos, SimulatorOptions.parseDuration("--kill-every", killEvery),
                    SimulatorOptions.parseDuration("--drain-timeout", drainTimeout), c.redis().busUri(), c.namespace());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            return sim.run(new SupervisorChaos(c), () -> Thread.currentThread().isInterrupted(), System.out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            throw new CommandFailure(1, "simulate --feeds: " + e.getMessage());
        }
    }

    /** Runs the simulator in the foreground; Ctrl-C stops the load and still checks and reports, twice exits now. */
    static int run(SimulatorOptions o, SupervisorChaos chaos) {
        Simulator sim = new Simulator();
        Interrupts.install(System.err, "stopping: finishing the load, the loss check and the report", sim::stop, () -> { });
        return sim.run(o, chaos, System.out);
    }
}
