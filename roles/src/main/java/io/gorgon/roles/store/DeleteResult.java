package io.gorgon.roles.store;

/** What a delete did: deleting someone else's item is FORBIDDEN, and an unknown or already deleted one NOT_FOUND. */
public enum DeleteResult { DELETED, NOT_FOUND, FORBIDDEN }
