package io.gorgon.roles.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the supervisor's instances, the live instances, queues and dead letters.")
final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Option(names = "--json", description = "Machine-readable output.") boolean json;

    @Override
    public Integer call() {
        return AdminCommands.status(config.load(), json, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
