package io.gorgon.roles.cli;

import org.slf4j.LoggerFactory;

/**
 * Makes a child process leave when its supervisor is gone (even after a SIGKILL of the supervisor), so no orphan role
 * or database keeps running. The exit is a normal one: shutdown hooks drain as on SIGTERM.
 */
final class ParentWatch {
    private ParentWatch() {}

    static void exitWhenGone(String pid, String what) {
        if (pid == null || pid.isBlank()) return;
        long id;
        try {
            id = Long.parseLong(pid.trim());
        } catch (NumberFormatException e) {
            return;
        }
        ProcessHandle.of(id).ifPresentOrElse(
                h -> h.onExit().thenRun(() -> gone(what, id)),
                () -> gone(what, id));
    }

    private static void gone(String what, long pid) {
        LoggerFactory.getLogger(ParentWatch.class).warn("{} gone pid={}: exiting", what, pid);
        // exit() on a fresh thread: never block the onExit executor on our own shutdown hooks.
        Thread t = new Thread(() -> System.exit(0), "parent-gone");
        t.start();
    }
}
