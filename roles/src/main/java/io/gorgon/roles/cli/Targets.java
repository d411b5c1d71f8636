package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.supervisor.ControlClient;
import io.gorgon.roles.supervisor.Reply;
import picocli.CommandLine.Model.CommandSpec;

import com.google.gson.JsonObject;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the ROLE / INSTANCE arguments of the control commands and sends them to the supervisor. */
final class Targets {
    private static final Pattern INSTANCE = Pattern.compile("([a-z]+)-([1-9][0-9]{0,3})");
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    private Targets() {}

    static boolean isRole(String s) {
        return GorgonConfig.ROLES.contains(s);
    }

    static boolean isInstance(String s) {
        Matcher m = INSTANCE.matcher(s);
        return m.matches() && isRole(m.group(1));
    }

    static String roles() {
        return String.join(", ", GorgonConfig.ROLES);
    }

    /** Sends, prints the supervisor's answer; a refusal or no supervisor becomes a one-line failure. */
    static int send(CommandSpec spec, GorgonConfig config, String verb, JsonObject args) {
        Reply reply = new ControlClient(config).send(verb, args, REPLY_TIMEOUT);
        if (!reply.ok()) throw new CommandFailure(reply.code() == 0 ? Gorgon.FAILED : reply.code(), verb + ": " + reply.message());
        spec.commandLine().getOut().println(reply.message());
        return Gorgon.OK;
    }
}
