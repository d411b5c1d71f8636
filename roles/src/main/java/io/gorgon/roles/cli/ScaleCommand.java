package io.gorgon.roles.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import io.gorgon.roles.supervisor.Supervisor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Change how many instances of roles the mesh keeps, spread over its live hosts, e.g. 'gorgon scale web=2 store=3'.")
final class ScaleCommand implements Callable<Integer> {
    private static final Pattern TARGET = Pattern.compile("([^=]+)=(.*)");

    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Parameters(arity = "1..*", paramLabel = "ROLE=N", description = "Desired count per role (0..64).") List<String> targets;

    @Override
    public Integer call() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String t : targets) {
            Matcher m = TARGET.matcher(t);
            if (!m.matches()) throw bad("expected ROLE=N, got '" + t + "'");
            String role = m.group(1);
            if (!Targets.isRole(role)) throw bad("unknown role '" + role + "'; roles are " + Targets.roles());
            if (counts.containsKey(role)) throw bad("role '" + role + "' given twice");
            int n;
            try {
                n = Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                throw bad(role + ": count must be a number 0.." + Supervisor.MAX_INSTANCES + ", got '" + m.group(2) + "'");
            }
            if (n < 0 || n > Supervisor.MAX_INSTANCES) {
                throw bad(role + ": count must be 0.." + Supervisor.MAX_INSTANCES + ", got " + n);
            }
            counts.put(role, n);
        }
        return OpsCommands.run(spec, config.load(), "scale", ops -> ops.scale(OpsCommands.actor(), counts));
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
