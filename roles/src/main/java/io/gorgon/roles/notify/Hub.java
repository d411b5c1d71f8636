package io.gorgon.roles.notify;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** This instance's open sockets, indexed by the users they follow, so an event costs one map lookup. */
final class Hub {
    private final Map<Long, Set<Session>> byUser = new ConcurrentHashMap<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    void open(Session s) {
        sessions.add(s);
    }

    void follow(Session s, Collection<Long> users) {
        for (long u : users) byUser.computeIfAbsent(u, k -> ConcurrentHashMap.newKeySet()).add(s);
        if (!sessions.contains(s)) unfollow(s, users); // it closed meanwhile: don't leave it in the index
    }

    void unfollow(Session s, Collection<Long> users) {
        for (long u : users) {
            byUser.computeIfPresent(u, (k, set) -> {
                set.remove(s);
                return set.isEmpty() ? null : set;
            });
        }
    }

    void closed(Session s) {
        sessions.remove(s);
        unfollow(s, s.users());
    }

    void dispatch(NotifyEvent e) {
        Set<Session> set = byUser.get(e.userid());
        if (set != null) for (Session s : set) s.live(e);
    }

    /** Closes every socket with {@code code}; their clients reconnect (and resume). */
    void closeAll(int code, String reason) {
        for (Session s : sessions) s.close(code, reason);
    }

    /** The users some socket here follows, for renewing their watch ({@link EventLog#watch}). */
    Set<Long> followed() {
        return Set.copyOf(byUser.keySet());
    }

    /** No socket here follows anyone: an event read now would be delivered to no one. */
    boolean followsNobody() {
        return byUser.isEmpty();
    }

    List<Session> sessions() {
        return List.copyOf(sessions);
    }

    int size() {
        return sessions.size();
    }
}
