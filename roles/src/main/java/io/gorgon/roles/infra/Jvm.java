package io.gorgon.roles.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The command line for another JVM on this JVM's own classpath (the fat jar, or a test classpath). */
public final class Jvm {
    /** Extra JVM flags for role processes, split on whitespace (e.g. "-Xmx512m"). */
    public static final String ENV_ROLE_JAVA_OPTS = "GORGON_ROLE_JAVA_OPTS";
    public static final String MAIN = "io.gorgon.roles.cli.Gorgon";

    private Jvm() {}

    /**
     * {@code java -Xmx<heap> -XX:+UseSerialGC [jvmFlags] [extraOpts] -cp <classpath>}, ready for a main class and
     * arguments (extraOpts come last, so they win).
     */
    public static List<String> command(String heap, List<String> jvmFlags, String extraOpts) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmFlags);
        if (extraOpts != null && !extraOpts.isBlank()) cmd.addAll(Arrays.asList(extraOpts.trim().split("\\s+")));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }

    /** {@code gorgon <args>} in a new JVM. */
    public static List<String> gorgon(String heap, Map<String, String> env, String... args) {
        return gorgon(heap, List.of(), env, args);
    }

    /** The same with {@code jvmFlags} (see {@link #command(String, List, String)}). */
    public static List<String> gorgon(String heap, List<String> jvmFlags, Map<String, String> env, String... args) {
        List<String> cmd = command(heap, jvmFlags, env.get(ENV_ROLE_JAVA_OPTS));
        cmd.add(MAIN);
        cmd.addAll(List.of(args));
        return cmd;
    }
}
