package io.gorgon.roles.provider;

import io.gorgon.protocol.Item;

/**
 * A source of items for the provider role (the seed's DataProviders: random data, feeds, external systems). The
 * role paces calls to {@link #next} at the configured rate and sends each item to store_put.
 */
public interface ProviderPlugin {
    String name();

    /** The next item to insert, with its id already assigned; null when the source has nothing right now. */
    Item next(long id, long now);
}
