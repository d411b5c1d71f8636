package io.gorgon.roles;

import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Message;
import io.gorgon.protocol.PrincipalSignature;
import io.gorgon.protocol.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's id on a request auth forwarded, checked against auth's signature ({@link PrincipalSignature}). Every
 * role that acts on the {@code principal} header reads it through here, so none trusts a header that anyone with
 * write access to Redis could have set.
 */
public final class SignedPrincipal {
    private static final Logger log = LoggerFactory.getLogger(SignedPrincipal.class);

    private final String key;

    /** @param key the mesh key ({@code GorgonConfig.Auth#signingKey()}); "" only when the config opts out of signing */
    public SignedPrincipal(String key) {
        this.key = key;
    }

    /**
     * The user id; a missing or malformed header is a 401 answer. A signature that does not match is not an answer
     * but a failure (the envelope never came from auth): it is retried and ends in the queue's dead letters, with a
     * {@code forged_principal} warning, and its requester (if any) gets no answer from it.
     */
    public long of(Message m) {
        String p = m.header(Protocol.H_PRINCIPAL);
        if (p == null || !p.matches("[1-9][0-9]{0,18}")) throw new HandlerFailure(401, "unauthenticated request");
        if (!key.isEmpty() && !PrincipalSignature.verify(key, m.header(Protocol.H_PRINCIPAL_SIG), p, m.header(Protocol.H_REQUEST),
                m.type(), m.bodyJson())) { // the body's text as auth signed it, never parsed for this
            log.warn("event=forged_principal message={} type={} principal={}", m.id(), m.type(), p);
            throw new Forged(m.id());
        }
        try {
            return Long.parseLong(p);
        } catch (NumberFormatException e) {
            throw new HandlerFailure(401, "bad principal");
        }
    }

    /** A principal header without auth's valid signature. */
    public static final class Forged extends RuntimeException {
        Forged(String messageId) {
            super("principal header not signed by auth (message " + messageId + ")", null, false, false);
        }
    }
}
