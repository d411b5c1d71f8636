package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.RedisAcl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** Prints the Redis ACL users of a production deployment (README "Security"), for the config's namespace. */
@Command(name = "acl", mixinStandardHelpOptions = true,
        description = "Print ACL SETUSER commands for one Redis user per role and one for the supervisor and CLI"
                + " (the config's namespace; replace CHANGE-ME with each user's secret).")
final class AclCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
        GorgonConfig cfg = config.load();
        PrintWriter out = spec.commandLine().getOut();
        for (String role : RedisAcl.roles()) print(out, "gorgon-" + role, RedisAcl.rules(cfg.namespace(), role));
        print(out, "gorgon-operator", RedisAcl.operatorRules(cfg.namespace()));
        out.flush();
        return Gorgon.OK;
    }

    private static void print(PrintWriter out, String user, List<String> rules) {
        out.println("ACL SETUSER " + user + " reset on >CHANGE-ME " + String.join(" ", rules));
    }
}
