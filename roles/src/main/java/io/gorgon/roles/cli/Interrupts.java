package io.gorgon.roles.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Ctrl-C as a terminal user expects it. The first SIGINT (or SIGTERM) asks the command to finish cleanly: stop the
 * load, report, drain, stop the infrastructure. A second SIGINT means "now": {@code now} kills what the command
 * started and the process exits 130. Shutdown hooks cannot do this: they cannot tell the two apart, and once they
 * run the JVM refuses new work (the "Shutdown in progress" a user saw instead of the report).
 */
final class Interrupts {
    static final int EXIT_INTERRUPTED = 130;

    private final AtomicInteger signals = new AtomicInteger();
    private final PrintStream err;
    private final String graceMessage;
    private final Runnable graceful;
    private final Runnable now;

    private Interrupts(PrintStream err, String graceMessage, Runnable graceful, Runnable now) {
        this.err = err;
        this.graceMessage = graceMessage;
        this.graceful = graceful;
        this.now = now;
    }

    /**
     * @param graceMessage printed on the first signal (what happens next), after which {@code graceful} runs on the
     *                     signal thread: it must only ask (set a flag, send a SIGTERM), never wait
     * @param now          on the second signal, before the exit with 130: kill what is left, synchronously
     */
    static Interrupts install(PrintStream err, String graceMessage, Runnable graceful, Runnable now) {
        Interrupts i = new Interrupts(err, graceMessage, graceful, now);
        Signal.handle(new Signal("INT"), s -> i.signal(s.getName()));
        Signal.handle(new Signal("TERM"), s -> i.signal(s.getName()));
        return i;
    }

    /** True once a stop was asked for. */
    boolean requested() {
        return signals.get() > 0;
    }

    /**
     * For the command's own exit path: after a second signal, killing what we started ends our waits early, and
     * returning would race the exit code 130; so wait here for the signal thread's halt.
     */
    void holdIfKilling() throws InterruptedException {
        if (signals.get() > 1) Thread.sleep(Long.MAX_VALUE);
    }

    private void signal(String name) {
        int n = signals.incrementAndGet();
        if (n == 1) {
            err.println();
            err.println("gorgon: " + graceMessage + " (Ctrl-C again to kill everything now)");
            err.flush();
            graceful.run();
            return;
        }
        err.println();
        err.println("gorgon: SIG" + name + " again: killing everything now");
        err.flush();
        try {
            now.run();
        } finally {
            Runtime.getRuntime().halt(EXIT_INTERRUPTED);
        }
    }
}
