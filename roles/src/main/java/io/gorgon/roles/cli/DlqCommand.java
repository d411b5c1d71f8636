package io.gorgon.roles.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Inspect and handle dead letters.",
        subcommands = {DlqCommand.List.class, DlqCommand.Requeue.class, DlqCommand.Delete.class, DlqCommand.Purge.class})
final class DlqCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing action: list, requeue, delete or purge");
    }

    static void checkLimit(CommandSpec spec, int limit) {
        if (limit < 0) throw new ParameterException(spec.commandLine(), "--limit must be >= 0, got " + limit);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List dead-letter queues with their sizes, or the dead letters of one queue.")
    static final class List implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConfigOptions config;
        @Parameters(paramLabel = "QUEUE", arity = "0..1", description = "The queue whose dead letters to show.") String queue;
        @Option(names = "--limit", defaultValue = "20", description = "At most this many entries (default ${DEFAULT-VALUE}).") int limit;
        @Option(names = "--json", description = "Machine-readable output.") boolean json;

        @Override
        public Integer call() {
            checkLimit(spec, limit);
            return AdminCommands.dlqList(config.load(), queue, limit, json, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    @Command(name = "requeue", mixinStandardHelpOptions = true, description = "Move dead letters back to their queue.")
    static final class Requeue implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConfigOptions config;
        @Parameters(index = "0", paramLabel = "QUEUE") String queue;
        @Parameters(index = "1", paramLabel = "ENTRY", arity = "0..1", description = "Only this dead letter (its entry id, see 'dlq list').") String entry;
        @Option(names = "--limit", defaultValue = "0", description = "At most this many (default: all).") int limit;

        @Override
        public Integer call() {
            checkLimit(spec, limit);
            return OpsCommands.run(spec, config.load(), "dlq requeue",
                    ops -> ops.requeue(OpsCommands.actor(), queue, entry, limit == 0 ? Integer.MAX_VALUE : limit));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete one dead letter by its entry id.")
    static final class Delete implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConfigOptions config;
        @Parameters(index = "0", paramLabel = "QUEUE") String queue;
        @Parameters(index = "1", paramLabel = "ENTRY") String entry;

        @Override
        public Integer call() {
            return OpsCommands.run(spec, config.load(), "dlq delete", ops -> ops.delete(OpsCommands.actor(), queue, entry));
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Delete the dead letters of a queue.")
    static final class Purge implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConfigOptions config;
        @Parameters(paramLabel = "QUEUE") String queue;

        @Override
        public Integer call() {
            return OpsCommands.run(spec, config.load(), "dlq purge", ops -> ops.delete(OpsCommands.actor(), queue, null));
        }
    }
}
