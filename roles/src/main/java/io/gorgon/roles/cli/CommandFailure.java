package io.gorgon.roles.cli;

/** An expected failure of a command: printed as one line {@code gorgon: <message>}, exit with {@link #exitCode()}. */
public final class CommandFailure extends RuntimeException {
    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
