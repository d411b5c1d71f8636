package io.gorgon.roles.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Gracefully stop (SIGTERM, drain) part or all of the running mesh.",
                "  gorgon stop           the supervisor, all instances and the embedded infrastructure",
                "  gorgon stop web       every web instance (web scaled to 0)",
                "  gorgon stop web-2     that instance (web scaled down by one)"})
final class StopCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Parameters(arity = "0..1", paramLabel = "ROLE|INSTANCE") String target;

    @Override
    public Integer call() {
        if (target != null) {
            if (!Targets.isRole(target) && !Targets.isInstance(target)) {
                throw new ParameterException(spec.commandLine(), "expected a role (" + Targets.roles()
                        + ") or an instance like web-1, got '" + target + "'");
            }
        }
        return OpsCommands.run(spec, config.load(), "stop", ops -> ops.stop(OpsCommands.actor(), target));
    }
}
