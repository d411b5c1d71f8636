package io.gorgon.roles.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a local mesh, drive it with the simulator and show the live stats page.")
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Option(names = "--duration", defaultValue = "60", description = "Seconds of simulated traffic (default ${DEFAULT-VALUE}).") int duration;

    @Override
    public Integer call() {
        if (duration < 1) throw new ParameterException(spec.commandLine(), "--duration must be >= 1, got " + duration);
        return AdminCommands.demo(config.load(), duration, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
