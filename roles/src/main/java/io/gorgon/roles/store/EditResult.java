package io.gorgon.roles.store;

import io.gorgon.protocol.Item;

/** What an edit did. */
public sealed interface EditResult {
    /** Stored as {@code item} (its version one higher than before). */
    record Edited(Item item) implements EditResult {}

    /** This edit was applied before (a redelivery); {@code item} is what is stored now. */
    record AlreadyApplied(Item item) implements EditResult {}

    /** The caller's If-Match named other versions than the stored {@code current} one. */
    record VersionMismatch(long current) implements EditResult {}

    record NotFound() implements EditResult {}

    record Forbidden() implements EditResult {}
}
