package io.gorgon.roles.auth;

import io.gorgon.protocol.CreateUserResult;
import io.gorgon.protocol.User;

import java.util.Optional;

/** Where the auth role finds and creates users: the store role, over the bus. Both calls must be safe to retry. */
public interface UserDirectory {
    CreateUserResult create(User user);

    Optional<User> byEmail(String email);

    /** Replaces {@code user}'s hash by {@code passhash} if it is unchanged; a directory may not support it (false). */
    default boolean rehash(User user, String passhash) {
        return false;
    }

    /** Needed by password changes only; directories for other uses may leave it out. */
    default Optional<User> byId(long id) {
        throw new UnsupportedOperationException("this user directory has no lookup by id");
    }

    /** Replaces a user's password hash; false if no such user. Needed by password changes only. */
    default boolean setPasshash(long id, String passhash) {
        throw new UnsupportedOperationException("this user directory cannot change passwords");
    }
}
