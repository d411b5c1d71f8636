package io.gorgon.roles.auth;

import io.gorgon.protocol.CreateUserResult;
import io.gorgon.roles.store.StoreService;
import io.gorgon.protocol.User;

import java.util.Optional;

/**
 * Where the auth role finds and creates users: over the bus to the store role in production, or a
 * {@link StoreService} in the same process ({@link #direct}). Both calls must be safe to retry.
 */
public interface UserDirectory {
    CreateUserResult create(User user);

    Optional<User> byEmail(String email);

    static UserDirectory direct(StoreService store) {
        return new UserDirectory() {
            @Override
            public CreateUserResult create(User user) {
                return store.createUser(user);
            }

            @Override
            public Optional<User> byEmail(String email) {
                return store.userByEmail(email);
            }
        };
    }
}
