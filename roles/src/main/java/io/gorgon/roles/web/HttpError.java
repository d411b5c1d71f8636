package io.gorgon.roles.web;

/** An HTTP error answered as JSON {error, message}; the error name is derived from the status. */
class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static String name(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 409 -> "conflict";
            case 412 -> "precondition_failed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 428 -> "precondition_required";
            case 429 -> "too_many_requests";
            case 503 -> "unavailable";
            case 504 -> "timeout";
            default -> status >= 500 ? "internal" : "error";
        };
    }
}
