package io.gorgon.bus;

/** A message that failed too often or could not be read, kept with the reason. */
public record DeadLetter(String id, String queue, String group, String reason, long deliveries, long at, String payload) {}
