package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.ops.OperatorTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "operator-token", mixinStandardHelpOptions = true,
        description = "Mint a token that lets NAME act on the mesh from the stats page (paste it into the page's operator login).")
final class OperatorTokenCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @Option(names = "--name", description = "Who the token is for; actions are logged with it (default: $USER).") String name;
    @Option(names = "--hours", defaultValue = "12", description = "Validity in hours, 1..720 (default ${DEFAULT-VALUE}).") int hours;

    @Override
    public Integer call() {
        String who = name != null ? name : System.getProperty("user.name", "operator");
        if (!who.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new ParameterException(spec.commandLine(), "--name must be 1..64 letters, digits or ._@-, got '" + who + "'");
        }
        if (hours < 1 || hours > 720) throw new ParameterException(spec.commandLine(), "--hours must be 1..720, got " + hours);
        GorgonConfig cfg = config.load();
        try {
            spec.commandLine().getOut().println(new OperatorTokens(cfg).mint(who, Duration.ofHours(hours)));
        } catch (JedisException e) {
            throw new CommandFailure(Gorgon.FAILED, "operator-token: cannot reach Redis at " + GorgonConfig.redact(cfg.redis().busUri())
                    + ": " + Gorgon.oneLine(e.getMessage()));
        }
        return Gorgon.OK;
    }
}
