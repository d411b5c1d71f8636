package io.gorgon.roles.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code gorgon pause QUEUE} and {@code gorgon resume QUEUE}: mesh-wide, through the same code as the stats page. */
final class PauseCommand {
    private PauseCommand() {}

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause a queue mesh-wide: its consumers (also ones started later) take no new messages; in-flight work finishes.")
    static final class Pause implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConfigOptions config;
        @Parameters(paramLabel = "QUEUE") String queue;

        @Override
        public Integer call() {
            return OpsCommands.run(spec, config.load(), "pause", ops -> ops.pause(OpsCommands.actor(), queue));
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Let a paused queue's consumers take messages again.")
    static final class Resume implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConfigOptions config;
        @Parameters(paramLabel = "QUEUE") String queue;

        @Override
        public Integer call() {
            return OpsCommands.run(spec, config.load(), "resume", ops -> ops.resume(OpsCommands.actor(), queue));
        }
    }
}
