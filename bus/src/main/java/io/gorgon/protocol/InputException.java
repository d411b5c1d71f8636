package io.gorgon.protocol;

/**
 * User-supplied input was rejected. {@link #field()} names the offending field (dotted path for nested ones) and
 * {@link #getMessage()} is one readable line such as {@code "title: required string"}, fit to show the user as is.
 */
public final class InputException extends RuntimeException {
    private final String field;

    public InputException(String field, String message) {
        super(field + ": " + message, null, false, false); // no stack trace: this is a value, not a bug
        this.field = field;
    }

    public String field() {
        return field;
    }
}
