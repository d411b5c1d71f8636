package io.gorgon.protocol;

/**
 * The outcome of creating a user; a taken email is an answer, not an error. A redelivered create of the same user
 * (same id and email) is CREATED again, so the caller can safely retry.
 */
public sealed interface CreateUserResult {
    record Created(User user) implements CreateUserResult {}

    record DuplicateEmail(String email) implements CreateUserResult {}
}
