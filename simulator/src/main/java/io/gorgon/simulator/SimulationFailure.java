package io.gorgon.simulator;

/** A run that cannot go on, with one readable line saying why (printed as is, exit code 1). */
final class SimulationFailure extends RuntimeException {
    SimulationFailure(String message) {
        super(message, null, false, false);
    }
}
