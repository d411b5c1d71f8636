package io.gorgon.roles.cli;

import io.gorgon.roles.RoleMain;
import io.gorgon.roles.config.GorgonConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "role", mixinStandardHelpOptions = true,
        description = {"Run one instance of a role in this process, until SIGTERM.",
                "Roles: web, auth, store, provider, notify, app, stats. 'gorgon up' starts these for you."})
final class RoleCommand implements Callable<Integer> {
    /** Set by the supervisor for each child: the instance name (e.g. web-2) and its own pid to watch. */
    static final String ENV_INSTANCE = "GORGON_INSTANCE_NAME";
    static final String ENV_SUPERVISOR_PID = "GORGON_SUPERVISOR_PID";

    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME", description = "The role to run.") String name;
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
        if (!GorgonConfig.ROLES.contains(name)) {
            throw new ParameterException(spec.commandLine(), "unknown role '" + name + "'; roles are "
                    + String.join(", ", GorgonConfig.ROLES));
        }
        GorgonConfig cfg = config.load();
        Map<String, String> env = Gorgon.env(spec);
        String instance = env.getOrDefault(ENV_INSTANCE, name + "-" + ProcessHandle.current().pid());
        // Logback's pattern reads these per event (%property), so every thread's lines carry role and instance.
        System.setProperty("gorgon.role", name);
        System.setProperty("gorgon.instance", instance);
        Logging.setLevel(cfg.logs().level());
        ParentWatch.exitWhenGone(env.get(ENV_SUPERVISOR_PID), "supervisor");
        return RoleMain.run(name, cfg);
    }
}
