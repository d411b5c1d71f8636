package io.gorgon.roles.cli;

import io.gorgon.bus.Admin;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.ops.MeshOps;
import io.gorgon.roles.supervisor.Reply;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs one operator action of {@link MeshOps} (the code the stats page uses too) from the command line, as
 * "cli:USER", and prints its answer; a refusal becomes a one-line failure with the reply's exit code.
 */
final class OpsCommands {
    private OpsCommands() {}

    static int run(CommandSpec spec, GorgonConfig config, String command, Function<MeshOps, Reply> action) {
        Admin admin = Admin.connect(config.redis().busUri(), config.namespace(), Duration.ofMillis(config.bus().heartbeatMs()),
                Duration.ofMillis(config.bus().takeoverAfterMs()));
        Reply reply;
        try {
            reply = action.apply(new MeshOps(config, admin, false));
        } catch (JedisException e) {
            throw new CommandFailure(Gorgon.FAILED, command + ": cannot reach Redis at " + GorgonConfig.redact(config.redis().busUri())
                    + ": " + Gorgon.oneLine(e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(Gorgon.BAD_INPUT, command + ": " + e.getMessage());
        }
        if (!reply.ok()) {
            int code = reply.code() == MeshOps.NOT_FOUND ? Gorgon.BAD_INPUT : reply.code() == 0 ? Gorgon.FAILED : reply.code();
            throw new CommandFailure(code, command + ": " + reply.message());
        }
        spec.commandLine().getOut().println(reply.message());
        return Gorgon.OK;
    }

    /** Who acts, for the log and the audit trail. */
    static String actor() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }
}
