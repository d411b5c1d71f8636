package io.gorgon.roles.store;

import io.gorgon.protocol.CreateUserResult;
import io.gorgon.protocol.User;
import io.gorgon.protocol.Item;
import io.gorgon.bus.Message;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.mongodb.client.MongoDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the store role does, as plain calls: items (MongoDB, written through to the per-user
 * {@link RecentItemsCache}) and users. Writes are idempotent, so a redelivered store_put is harmless.
 */
public final class StoreService {
    private static final Logger log = LoggerFactory.getLogger(StoreService.class);

    private final ItemStore items;
    private final UserStore users;
    private final RecentItemsCache recent;
    private final ItemLocks locks;
    private final KeywordIndex keywords;

    /**
     * @param namespace       Redis key prefix ({@code namespace})
     * @param recentCacheSize items cached per user ({@code store.recentCacheSize}, default 200)
     * @param recentCacheTtl  idle time after which a user's cache is dropped; {@link Duration#ZERO} = never
     */
    public record Options(String namespace, int recentCacheSize, Duration recentCacheTtl) {
        public static Options defaults(String namespace) {
            return new Options(namespace, 200, Duration.ZERO);
        }
    }

    public StoreService(MongoDatabase db, UnifiedJedis redis, Options options) {
        this.items = new ItemStore(db);
        this.users = new UserStore(db);
        this.recent = new RecentItemsCache(redis, options.namespace(), options.recentCacheSize(), options.recentCacheTtl());
        this.locks = new ItemLocks(redis, options.namespace());
        this.keywords = new KeywordIndex(redis, options.namespace(), options.recentCacheSize());
    }

    /** Stores one item; true if it is new, false if this id was stored already (a redelivery). */
    public boolean put(Item item) {
        return !putAll(List.of(item)).isEmpty();
    }

    /**
     * Stores a batch (MongoDB unordered bulk insert, then one pipelined cache write-through) and returns the ids that
     * are new: the ones to announce on store_notify. For ids stored already, the stored version is what gets cached,
     * so a redelivery repairs a cache write that a crash cut off, but never resurrects or overwrites.
     */
    public List<Long> putAll(List<Item> batch) {
        return putBatch(batch).newIds();
    }

    /** {@link #putAll}, also reporting the members the store refused (id → reason); those are not retried. */
    public ItemStore.Inserted putBatch(List<Item> batch) {
        ItemStore.Inserted r = items.insertAll(batch);
        List<Item> toCache = new ArrayList<>(batch.size());
        if (r.existingIds().isEmpty() && r.rejected().isEmpty()) {
            toCache.addAll(batch);
        } else {
            Set<Long> fresh = new HashSet<>(r.newIds());
            for (Item i : batch) if (fresh.contains(i.id())) toCache.add(i);
            toCache.addAll(items.findAll(r.existingIds()));
        }
        recent.addAll(toCache);
        keywords.addAll(toCache);
        return r;
    }

    public Optional<Item> get(long id) {
        return items.find(id);
    }

    /**
     * Tombstones the item and drops it from its owner's cache. DELETED also for the owner's tombstone of a delete that
     * failed before {@link #deleteDone}: a retry redoes the steps after the tombstone.
     */
    public DeleteResult delete(long id, long ownerId) {
        DeleteResult r;
        try (var held = locks.lock(id)) { // an edit in progress must not write the item back over its tombstone
            r = items.delete(id, ownerId);
        }
        if (r == DeleteResult.DELETED) recent.remove(ownerId, id);
        log.debug("event=item_delete id={} owner={} result={}", id, ownerId, r);
        return r;
    }

    /** Every step of a delete is done (its event is published): deleting the item again answers NOT_FOUND. */
    public void deleteDone(long id) {
        items.markAnnounced(id);
    }

    /**
     * Applies a JSON merge patch to an item, if {@code ownerId} owns it and its version is one of {@code versions}
     * (null: any), and writes the result through to the recent-items cache. Idempotent by {@code editId}: a
     * redelivered edit answers {@link EditResult.AlreadyApplied} and repairs the cache write a crash may have cut.
     *
     * @throws io.gorgon.protocol.InputException when the patched item would not be a valid item
     */
    public EditResult edit(long id, long ownerId, Set<Long> versions, JsonObject patch, String editId) {
        EditResult r;
        try (var held = locks.lock(id)) {
            r = items.edit(id, ownerId, versions, editId, current -> current.edited(patch));
        }
        Item stored = r instanceof EditResult.Edited e ? e.item() : r instanceof EditResult.AlreadyApplied a ? a.item() : null;
        if (stored != null) {
            recent.update(stored);
            keywords.addAll(List.of(stored)); // its new keywords and ts; keywords it lost are dropped when read
        }
        log.debug("event=item_edit id={} owner={} result={}", id, ownerId, r.getClass().getSimpleName());
        return r;
    }

    /**
     * A user's items newest first, as the API's JSON ({@code GET /info/{uid}?lim&off}): from the cache when it holds
     * the page, read through from MongoDB on a miss, and straight from MongoDB past the cache's depth. The page was
     * validated where the request entered the mesh ({@link io.gorgon.protocol.UserInput#page}).
     */
    public JsonArray info(long userid, int lim, int off) {
        RecentItemsCache.Lookup found = recent.read(userid, lim, off);
        if (found instanceof RecentItemsCache.Lookup.Hit hit) return array(hit.items());
        return infoMiss(found, userid, lim, off);
    }

    /**
     * Answers a {@code store.info} request from the cache inside Redis when it holds the page: cache read, reply and
     * ack as one script. False (nothing sent) otherwise: then {@link #infoJson} and a reply.
     */
    public boolean replyInfoFromCache(Message m, long userid, int lim, int off) {
        return recent.replyPage(m, userid, lim, off);
    }

    /**
     * {@link #info} as JSON text: a cache hit is the cached items' JSON joined as they are, never parsed and
     * re-serialised (the store replies with it, and web hands it to the client as it arrives).
     */
    public String infoJson(long userid, int lim, int off) {
        RecentItemsCache.Lookup found = recent.read(userid, lim, off);
        if (found instanceof RecentItemsCache.Lookup.Hit hit) return "[" + String.join(",", hit.itemsJson()) + "]";
        return infoMiss(found, userid, lim, off).toString();
    }

    private JsonArray infoMiss(RecentItemsCache.Lookup found, long userid, int lim, int off) {
        if (found instanceof RecentItemsCache.Lookup.NotLoaded miss) {
            List<Item> newest = items.recentByUser(userid, recent.capacity(), 0);
            boolean filled = recent.fill(userid, miss.generation(), newest);
            log.debug("event=recent_fill user={} items={} applied={}", userid, newest.size(), filled);
            // A fill refused because of a concurrent delete means the snapshot may hold the deleted item: ask again.
            if (filled && (off + lim <= newest.size() || newest.size() < recent.capacity())) {
                JsonArray out = new JsonArray();
                for (int i = off; i < Math.min(newest.size(), off + lim); i++) out.add(newest.get(i).toJson());
                return out;
            }
        }
        JsonArray out = new JsonArray();
        for (Item i : items.recentByUser(userid, lim, off)) out.add(i.toJson());
        return out;
    }

    /**
     * Items carrying {@code keyword}, newest first, across users ({@code GET /tags/{keyword}?lim&off}): ids from the
     * {@link KeywordIndex}, items by {@code _id}; filled from MongoDB on first use and answered by MongoDB past its
     * depth. Ids of items deleted, or edited to drop the keyword, since they were indexed are dropped from the index as
     * they are met.
     */
    public JsonArray byKeyword(String keyword, int lim, int off) {
        for (int attempt = 0; attempt < 3; attempt++) {
            KeywordIndex.Lookup found = keywords.read(keyword, lim, off);
            if (found instanceof KeywordIndex.Lookup.NotLoaded) {
                keywords.fill(keyword, items.recentByKeyword(keyword, keywords.capacity(), 0));
                continue;
            }
            if (!(found instanceof KeywordIndex.Lookup.Hit hit)) break;
            JsonArray out = new JsonArray();
            List<Long> gone = new ArrayList<>();
            for (long id : hit.ids()) {
                Optional<Item> item = items.find(id);
                // Gone: deleted, or edited so that it no longer carries the keyword.
                if (item.isPresent() && item.get().keywords().contains(keyword)) out.add(item.get().toJson()); else gone.add(id);
            }
            if (gone.isEmpty()) return out;
            keywords.forget(keyword, gone); // then read the page again: later ids move up into it
        }
        JsonArray out = new JsonArray();
        for (Item i : items.recentByKeyword(keyword, lim, off)) out.add(i.toJson());
        return out;
    }

    public CreateUserResult createUser(User user) {
        CreateUserResult r = users.create(user);
        if (r instanceof CreateUserResult.Created c) recent.markEmpty(List.of(c.user().id()));
        return r;
    }

    /** Bulk insert-or-replace of (synthetic) users by id; users new to the store get an empty, complete cache. */
    public UserStore.Upserted upsertUsers(List<User> batch) {
        UserStore.Upserted r = users.upsertAll(batch);
        recent.markEmpty(r.newIds());
        return r;
    }

    /** A stronger hash for a user whose login just proved the password (compare-and-set on the old hash). */
    public boolean rehashUser(long id, String old, String passhash) {
        return users.rehash(id, old, passhash);
    }

    public Optional<User> userByEmail(String email) {
        return users.byEmail(email);
    }

    public boolean setPasshash(long id, String passhash) {
        return users.setPasshash(id, passhash);
    }

    public Optional<User> userById(long id) {
        return users.byId(id);
    }

    private static JsonArray array(List<JsonObject> list) {
        JsonArray a = new JsonArray(list.size());
        list.forEach(a::add);
        return a;
    }
}
