package io.gorgon.roles.cli;

import io.gorgon.roles.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code gorgon} command line. Exit codes: 0 done, 1 failed (e.g. no supervisor running), 2 bad input (unknown
 * command or flag, bad value, bad config) with one line on stderr and never a stack trace.
 */
@Command(name = "gorgon", mixinStandardHelpOptions = true, version = "gorgon 0.1.0",
        description = "A message-bus service mesh: stateless roles over persistent Redis queues.",
        subcommands = {RoleCommand.class, UpCommand.class, ScaleCommand.class, StatusCommand.class, StopCommand.class,
                KillCommand.class, DlqCommand.class, PauseCommand.Pause.class, PauseCommand.Resume.class,
                OperatorTokenCommand.class, ConfigCommand.class, AclCommand.class, SimulateCommand.class, DemoCommand.class, InfraCommand.class})
public final class Gorgon implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    private final Map<String, String> env;
    @Spec CommandSpec spec;

    Gorgon(Map<String, String> env) {
        this.env = env;
    }

    /** The environment this invocation reads overrides from (the process environment, or a test's map). */
    Map<String, String> env() {
        return env;
    }

    static Map<String, String> env(CommandSpec anySpec) {
        return ((Gorgon) anySpec.root().userObject()).env;
    }

    public static void main(String[] args) {
        int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv());
        System.exit(code);
    }

    /** Runs one command line in-process; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cli = new CommandLine(new Gorgon(env));
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(Gorgon::badInput);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> failure(ex, cmd, env));
        cli.setExitCodeExceptionMapper(ex -> FAILED);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        // No command: show what there is, but say "nothing was done" to scripts.
        spec.commandLine().usage(spec.commandLine().getOut());
        return BAD_INPUT;
    }

    private static int badInput(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = oneLine(ex.getMessage());
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-") && !cmd.getSubcommands().isEmpty()) {
            message = "unknown command '" + u.getUnmatched().get(0) + "'; commands: "
                    + String.join(", ", cmd.getCommandSpec().subcommands().entrySet().stream()
                    .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                    .map(Map.Entry::getKey).toList());
        }
        err.println("gorgon: " + message + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        return BAD_INPUT;
    }

    private static int failure(Exception ex, CommandLine cmd, Map<String, String> env) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof ConfigException) {
            err.println("config error: " + oneLine(ex.getMessage()));
            return BAD_INPUT;
        }
        if (ex instanceof CommandFailure f) {
            err.println("gorgon: " + oneLine(f.getMessage()));
            return f.exitCode();
        }
        String detail = ex.getMessage() == null ? ex.getClass().getSimpleName() : oneLine(ex.getMessage());
        err.println("gorgon: error: " + detail);
        if (env.get("GORGON_DEBUG") != null) ex.printStackTrace(err);
        return FAILED;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
