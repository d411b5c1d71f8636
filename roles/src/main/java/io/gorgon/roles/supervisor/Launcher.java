package io.gorgon.roles.supervisor;

import io.gorgon.roles.infra.Jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts {@code gorgon role NAME} in a fresh JVM on this JVM's classpath (the fat jar, or the test classpath), with
 * the same config file and {@code --set}s as the supervisor, its output appended to the instance's log file.
 */
final class Launcher {
    /**
     * A role's heap. Every role must stay within 256 MB resident (issue 5) and a JVM's RSS is its heap plus ~60-80 MB
     * of metaspace, code cache, thread stacks and buffers: with -Xmx256m the web role measured 261-277 MB under load.
     * No role keeps much on the heap (a request, a batch of 500 items, a second of metrics).
     */
    static final String ROLE_HEAP = "160m";
    /**
     * Half the heap young, with survivors of a fifth of it: what a role holds while a message is in flight (a store
     * batch waiting for its bulk write) dies young instead of filling the old generation, whose pages then all count
     * as resident. Seeding 100,000 notes, the store's RSS was 288 MB with the defaults, 226 MB with these.
     */
    static final List<String> ROLE_GC = List.of("-XX:NewRatio=1", "-XX:SurvivorRatio=4");

    private final Path configFile;
    private final List<String> sets;
    private final Map<String, String> env;

    Launcher(Path configFile, List<String> sets, Map<String, String> env) {
        this.configFile = configFile;
        this.sets = List.copyOf(sets);
        this.env = env;
    }

    Process start(Instance instance, String portKey) throws IOException {
        List<String> cmd = Jvm.gorgon(ROLE_HEAP, ROLE_GC, env, "role", instance.role);
        if (configFile != null) cmd.addAll(List.of("--config", configFile.toString()));
        for (String s : sets) cmd.addAll(List.of("--set", s));
        // The supervisor chose the port (the configured one, or the next free one on this host for a sibling).
        if (portKey != null && instance.port > 0) {
            cmd.addAll(List.of("--set", portKey + "=" + instance.port));
        }
        Files.createDirectories(instance.log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(instance.log.toFile()));
        pb.environment().put("GORGON_INSTANCE_NAME", instance.name);
        pb.environment().put("GORGON_SUPERVISOR_PID", String.valueOf(ProcessHandle.current().pid()));
        return pb.start();
    }
}
