package io.gorgon.roles.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true, description = "Show, check or reload the configuration.",
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Reload.class})
final class ConfigCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing action: show or reload");
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Validate and print the effective config (file + environment + --set); passwords masked.")
    static final class Show implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConfigOptions config;
        @Option(names = "--reveal", description = "Print passwords in URIs instead of ***.") boolean reveal;

        @Override
        public Integer call() {
            var cfg = config.load();
            spec.commandLine().getOut().println(reveal ? cfg.toJson() : cfg.toRedactedJson());
            return Gorgon.OK;
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Validate the config file and publish it to the running instances.")
    static final class Reload implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConfigOptions config;

        @Override
        public Integer call() {
            return AdminCommands.configReload(config.load(), spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }
}
