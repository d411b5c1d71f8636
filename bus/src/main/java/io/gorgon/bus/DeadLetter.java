package io.gorgon.bus;

/**
 * A message that failed too often or could not be read, kept with the reason.
 *
 * @param id      the message's id on its queue when it failed
 * @param entry   this dead letter's own id in the dead-letter stream: what requeue-one and delete-one name
 * @param payload the envelope as it was (JSON)
 */
public record DeadLetter(String id, String queue, String group, String reason, long deliveries, long at, String payload,
                         String entry) {}
