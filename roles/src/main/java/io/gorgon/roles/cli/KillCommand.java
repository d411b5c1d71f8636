package io.gorgon.roles.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "kill", mixinStandardHelpOptions = true,
        description = "SIGKILL one instance, e.g. 'gorgon kill store-1' (a crash drill: the supervisor restarts it).")
final class KillCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Parameters(paramLabel = "INSTANCE") String instance;

    @Override
    public Integer call() {
        if (!Targets.isInstance(instance)) {
            throw new ParameterException(spec.commandLine(), "expected an instance like web-1 (roles: "
                    + Targets.roles() + "), got '" + instance + "'");
        }
        return OpsCommands.run(spec, config.load(), "kill", ops -> ops.kill(OpsCommands.actor(), instance));
    }
}
