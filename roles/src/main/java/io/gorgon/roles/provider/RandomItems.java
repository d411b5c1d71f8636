package io.gorgon.roles.provider;

import com.google.gson.JsonPrimitive;
import io.gorgon.protocol.Item;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The seed's provider_random: random notes for random users 1..users. */
final class RandomItems implements ProviderPlugin {
    private static final String[] WORDS = {"redis", "queue", "gorgon", "mongo", "stream", "note", "photo", "travel",
            "lunch", "meeting", "idea", "music", "book", "garden", "code", "coffee", "river", "city", "winter", "sale"};
    private static final String[] PLACES = {"Sydney", "Lisbon", "Osaka", "Nairobi", "Quito", "Oslo", "Austin", "Pune"};
    private final int users;

    RandomItems(int users) {
        this.users = Math.max(1, users);
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Item next(long id, long now) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String a = WORDS[r.nextInt(WORDS.length)], b = WORDS[r.nextInt(WORDS.length)];
        return new Item(id, 1 + r.nextInt(users), a + " " + b, "a note about " + a + " and " + b + " #" + id,
                null, now, new JsonPrimitive(PLACES[r.nextInt(PLACES.length)]), List.of(a, b), new com.google.gson.JsonObject());
    }
}
