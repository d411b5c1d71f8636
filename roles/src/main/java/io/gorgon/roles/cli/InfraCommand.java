package io.gorgon.roles.cli;

import io.gorgon.roles.infra.MongoDaemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Hidden: the infrastructure processes 'gorgon up' starts for itself. */
@Command(name = "infra", hidden = true, mixinStandardHelpOptions = true,
        description = "Internal: infrastructure processes started by 'gorgon up'.",
        subcommands = InfraCommand.Mongo.class)
final class InfraCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing what to run: mongo");
    }

    @Command(name = "mongo", mixinStandardHelpOptions = true,
            description = "Run the embedded MongoDB (mongo-java-server, durable H2 file) until SIGTERM.")
    static final class Mongo implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--port", required = true, description = "Port on 127.0.0.1.") int port;
        @Option(names = "--dir", required = true, description = "Directory of the data file.") Path dir;

        @Override
        public Integer call() throws Exception {
            if (port < 1 || port > 65535) throw new ParameterException(spec.commandLine(), "--port must be 1..65535, got " + port);
            System.setProperty("gorgon.role", "mongo");
            System.setProperty("gorgon.instance", "mongo-" + ProcessHandle.current().pid());
            ParentWatch.exitWhenGone(Gorgon.env(spec).get(RoleCommand.ENV_SUPERVISOR_PID), "supervisor");
            return MongoDaemon.run(port, dir);
        }
    }
}
