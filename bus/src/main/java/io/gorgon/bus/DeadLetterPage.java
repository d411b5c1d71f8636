package io.gorgon.bus;

import java.util.List;

/**
 * One page of a queue's dead letters, oldest first.
 *
 * @param next the entry to continue after, or null when the end of the dead-letter stream was reached
 */
public record DeadLetterPage(List<DeadLetter> letters, String next) {
    public DeadLetterPage {
        letters = List.copyOf(letters);
    }
}
