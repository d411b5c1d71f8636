package io.gorgon.protocol;

/**
 * The queues and message types the roles speak — the seed's data flow, with its shared *_data response queues
 * replaced by per-instance reply addresses:
 * <pre>
 *   web ──request──▶ auth_get ──forward (principal)──▶ app_get ──forward──▶ store_get / store_put
 *    ▲                                                                          │
 *    └──────────────────────────── reply, straight to the requesting web instance ◀┘
 *   provider ──send──▶ store_put          store ──publish──▶ store_notify ──▶ notify, stats
 * </pre>
 */
public final class Protocol {
    private Protocol() {}

    public static final String AUTH_GET = "auth_get";
    public static final String APP_GET = "app_get";
    public static final String STORE_GET = "store_get";
    public static final String STORE_PUT = "store_put";
    /** Requests to the provider about third parties: following feeds, registering webhooks (the seed's provider_get). */
    public static final String PROVIDER_GET = "provider_get";
    /** Deliveries to third-party systems: one message per (webhook, item event) (the seed's provider_put). */
    public static final String PROVIDER_PUT = "provider_put";
    /** Third-party data coming in: each fetched feed's entries, to be turned into items (the seed's provider_data). */
    public static final String PROVIDER_DATA = "provider_data";
    /** Topic: every add/edit/delete of an item, for notify and stats. */
    public static final String STORE_NOTIFY = "store_notify";

    // auth_get: answered by auth itself
    public static final String AUTH_REGISTER = "auth.register";
    public static final String AUTH_LOGIN = "auth.login";
    public static final String AUTH_LOGOUT = "auth.logout";
    /** Revoke every token of the caller (the one used included); each is announced on {@link #AUTH_REVOKED}. */
    public static final String AUTH_LOGOUT_ALL = "auth.logoutAll";
    /** The caller's live sessions: reply {sessions: [{id, created, lastUsed, client, expiresAt, current}]}. */
    public static final String AUTH_SESSIONS = "auth.sessions";
    /** Body {oldPassword, newPassword}: change the caller's password and revoke their other tokens. */
    public static final String AUTH_PASSWORD = "auth.password";
    /** Whose is the token in the {@link #H_TOKEN} header: reply {@code {userid, expiresAt}}, or failure 401. */
    public static final String AUTH_VALIDATE = "auth.validate";
    /** Prefix of types auth checks the token of and forwards to app_get with the caller's identity. */
    public static final String APP_PREFIX = "app.";
    public static final String APP_ITEM_CREATE = "app.item.create";
    public static final String APP_ITEM_GET = "app.item.get";
    public static final String APP_ITEM_DELETE = "app.item.delete";
    /** Partial update of an item: {@code {id, ifMatch, patch}} (a JSON merge patch, RFC 7396). */
    public static final String APP_ITEM_EDIT = "app.item.edit";
    public static final String APP_INFO = "app.info";
    /** Items with a keyword across users: body {keyword, lim?, off?} as given; app validates them. */
    public static final String APP_TAGS = "app.tags";

    public static final String APP_FEED_FOLLOW = "app.feed.follow";
    public static final String APP_FEED_LIST = "app.feed.list";
    public static final String APP_FEED_UNFOLLOW = "app.feed.unfollow";
    public static final String APP_WEBHOOK_CREATE = "app.webhook.create";
    public static final String APP_WEBHOOK_LIST = "app.webhook.list";
    public static final String APP_WEBHOOK_DELETE = "app.webhook.delete";

    // provider_put / provider_data
    /** {@code {webhook, event:{id, type, userid, ts, item}}}: POST this event to that webhook. */
    public static final String PROVIDER_WEBHOOK_DELIVER = "provider.webhook.deliver";
    /** {@code {feed, fetchedAt, entries:[{key, hash, title, body, url, ts}]}}: one fetch's entries. */
    public static final String PROVIDER_FEED_ENTRIES = "provider.feed.entries";

    // store_get / store_put
    public static final String STORE_ITEM_PUT = "store.item.put";
    /**
     * store_put, body {@code {items:[item, …]}} (1 to {@link #MAX_ITEMS_PER_PUT}): stores them all, announces them in
     * one {@link #ITEMS_ADDED}, replies {@code {stored: n}} (n new). A producer's batch costs one message, not one each.
     */
    public static final String STORE_ITEMS_PUT = "store.items.put";
    /** The most items one {@link #STORE_ITEMS_PUT} may carry. */
    public static final int MAX_ITEMS_PER_PUT = 500;
    public static final String STORE_ITEM_GET = "store.item.get";
    public static final String STORE_ITEM_DELETE = "store.item.delete";
    /** {@code {id, owner, versions?:[…], patch}}; absent versions means any (If-Match: *). */
    public static final String STORE_ITEM_EDIT = "store.item.edit";
    public static final String STORE_INFO = "store.info";
    /** Body {keyword, lim, off}, validated; reply {items: [...]}. */
    public static final String STORE_TAGS = "store.tags";
    public static final String STORE_USER_CREATE = "store.user.create";
    public static final String STORE_USER_BY_EMAIL = "store.user.byEmail";
    /** {@code {id, old, passhash}}: replaces a user's password hash if it is still {@code old} (a rehash at login). */
    public static final String STORE_USER_REHASH = "store.user.rehash";
    /** Body {id}; reply {user: internal user JSON or null}. */
    public static final String STORE_USER_BY_ID = "store.user.byId";
    /** store_put, body {id, passhash}: replaces a user's password hash (idempotent); 404 if no such user. */
    public static final String STORE_USER_PASSWORD = "store.user.password";

    /**
     * Topic: a token was revoked (logout). Every notify instance reads it in a group of its own and closes the
     * sockets opened with that token. Body {@code {token: TokenDigest, userid}}.
     */
    public static final String AUTH_REVOKED = "auth_revoked";
    public static final String TOKEN_REVOKED = "token.revoked";

    // store_notify event types
    public static final String ITEM_ADDED = "item.added";
    /**
     * {@code {n, items:[item, …]}}: several items added at once; each means what an {@link #ITEM_ADDED} of it would.
     * {@code n} (how many) comes first, so that a reader that only counts need not read the items.
     */
    public static final String ITEMS_ADDED = "items.added";
    public static final String ITEM_DELETED = "item.deleted";
    public static final String ITEM_EDITED = "item.edited";

    // headers
    /** The caller's raw bearer token: web → auth only; auth removes it before forwarding. */
    public static final String H_TOKEN = "token";
    /** The authenticated user id, set by auth. */
    public static final String H_PRINCIPAL = "principal";
    /** Auth's HMAC over the principal and the request ({@link PrincipalSignature}), when a mesh key is configured. */
    public static final String H_PRINCIPAL_SIG = "principal-sig";
    /** The HTTP client's address, for rate limits. */
    public static final String H_CLIENT = "client";
    public static final String H_TRACE = "trace";
    /**
     * Names one HTTP request, set by web and kept by every forward and every redelivery: what makes the note a
     * request creates the same note however often the request is redone.
     */
    public static final String H_REQUEST = "request";
}
