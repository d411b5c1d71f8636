package io.gorgon.bus;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the bus's Redis is, as one URI string so it travels in {@link BusOptions#redisUri()} and on command lines:
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]} — one Redis (as always)</li>
 *   <li>{@code redis+cluster://[user:password@]host:port,host:port…} — a Redis Cluster, any nodes as seeds</li>
 *   <li>{@code redis+sentinel://[user:password@]host:port,host:port…/masterName} — a Sentinel-watched primary</li>
 * </ul>
 * The {@code rediss} variants ({@code rediss://}, {@code rediss+cluster://}, {@code rediss+sentinel://}) use TLS.
 * User and password are the ACL credentials of the data nodes (sentinels are asked without credentials).
 */
public record RedisTopology(Mode mode, List<String> nodes, String masterName, String user, String password, boolean tls,
                            int database) {
    public enum Mode { SINGLE, CLUSTER, SENTINEL }

    public RedisTopology {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) throw new IllegalArgumentException("no Redis node given");
        for (String n : nodes) port(n);
        if (mode == Mode.SENTINEL && (masterName == null || masterName.isBlank())) {
            throw new IllegalArgumentException("a sentinel topology needs a master name");
        }
        if (mode == Mode.SINGLE && nodes.size() != 1) throw new IllegalArgumentException("one Redis has exactly one address");
        if (mode != Mode.SINGLE && database != 0) throw new IllegalArgumentException("only database 0 exists in cluster/sentinel mode");
    }

    /** Parses any of the three URI forms; throws IllegalArgumentException with a readable line (password hidden). */
    public static RedisTopology parse(String uri) {
        int sep = uri.indexOf("://");
        if (sep < 0) throw new IllegalArgumentException("redis URI must start with redis://, redis+cluster:// or redis+sentinel://");
        String scheme = uri.substring(0, sep);
        boolean tls = scheme.startsWith("rediss");
        Mode mode = switch (scheme) {
            case "redis", "rediss" -> Mode.SINGLE;
            case "redis+cluster", "rediss+cluster" -> Mode.CLUSTER;
            case "redis+sentinel", "rediss+sentinel" -> Mode.SENTINEL;
            default -> throw new IllegalArgumentException("unknown redis URI scheme " + scheme
                    + " (redis, rediss, redis+cluster, rediss+cluster, redis+sentinel, rediss+sentinel)");
        };
        String rest = uri.substring(sep + 3);
        String user = null, password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            user = colon < 0 ? null : decode(info.substring(0, colon));
            password = decode(colon < 0 ? info : info.substring(colon + 1));
            if (user != null && user.isEmpty()) user = null;
            if (password.isEmpty()) password = null;
        }
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        List<String> nodes = new ArrayList<>();
        for (String h : hosts.split(",")) {
            if (h.isBlank()) continue;
            nodes.add(h.contains(":") ? h : h + ":" + (mode == Mode.SENTINEL ? 26379 : 6379));
        }
        if (nodes.isEmpty()) throw new IllegalArgumentException("redis URI has no host: " + redact(uri));
        String master = null;
        int db = 0;
        if (mode == Mode.SENTINEL) {
            master = path;
        } else if (!path.isEmpty()) {
            try {
                db = Integer.parseInt(path);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("redis URI path must be a database number: " + redact(uri));
            }
        }
        return new RedisTopology(mode, nodes, master, user, password, tls, db);
    }

    /** The canonical URI of this topology (what {@link #parse} reads back to an equal value). */
    public String uri() {
        String scheme = (tls ? "rediss" : "redis") + switch (mode) {
            case SINGLE -> "";
            case CLUSTER -> "+cluster";
            case SENTINEL -> "+sentinel";
        };
        StringBuilder b = new StringBuilder(scheme).append("://");
        if (password != null || user != null) {
            if (user != null) b.append(encode(user));
            b.append(':');
            if (password != null) b.append(encode(password));
            b.append('@');
        }
        b.append(String.join(",", nodes));
        if (mode == Mode.SENTINEL) b.append('/').append(masterName);
        else if (database != 0) b.append('/').append(database);
        return b.toString();
    }

    /** {@code scheme://user:secret@host} → {@code scheme://user:***@host}, for logs. */
    public static String redact(String uri) {
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (scheme < 0 || at < scheme) return uri;
        String info = uri.substring(scheme + 3, at);
        int colon = info.indexOf(':');
        return uri.substring(0, scheme + 3) + (colon < 0 ? "***" : info.substring(0, colon) + ":***") + uri.substring(at);
    }

    /** The host part of {@code host:port}. */
    public static String host(String node) {
        return node.substring(0, node.lastIndexOf(':'));
    }

    /** The port part of {@code host:port}; throws for a bad one. */
    public static int port(String node) {
        int colon = node.lastIndexOf(':');
        try {
            int p = Integer.parseInt(node.substring(colon + 1));
            if (colon <= 0 || p < 1 || p > 65535) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not host:port with a port 1..65535: " + node);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
