package io.gorgon.roles.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Drive a running mesh with simulated users over HTTP and report latency, throughput and losses.")
final class SimulateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Option(names = "--users", defaultValue = "100", description = "Simulated users (default ${DEFAULT-VALUE}).") int users;
    @Option(names = "--rate", defaultValue = "100", description = "Requests per second, all users together (default ${DEFAULT-VALUE}).") double rate;
    @Option(names = "--duration", defaultValue = "30", description = "Seconds to run (default ${DEFAULT-VALUE}).") int duration;
    @Option(names = "--clients", defaultValue = "16", description = "Concurrent HTTP connections (default ${DEFAULT-VALUE}).") int clients;
    @Option(names = "--target", description = "Base URL of a web instance (default: http://127.0.0.1:<web.port>).") String target;
    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as JSON to FILE.") Path report;

    @Override
    public Integer call() {
        if (users < 1) throw new ParameterException(spec.commandLine(), "--users must be >= 1, got " + users);
        if (!(rate > 0)) throw new ParameterException(spec.commandLine(), "--rate must be > 0, got " + rate);
        if (duration < 1) throw new ParameterException(spec.commandLine(), "--duration must be >= 1, got " + duration);
        if (clients < 1) throw new ParameterException(spec.commandLine(), "--clients must be >= 1, got " + clients);
        if (target != null && !target.matches("https?://.+")) {
            throw new ParameterException(spec.commandLine(), "--target must be an http:// or https:// URL, got " + target);
        }
        var request = new AdminCommands.SimulateRequest(users, rate, duration, clients, target, report);
        return AdminCommands.simulate(config.load(), request, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
