package io.gorgon.roles.auth;

/** Who a valid token speaks for, and until when (ms epoch). */
public record Principal(long userid, long expiresAt) {}
