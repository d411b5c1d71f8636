package io.gorgon.roles.store;

import io.gorgon.protocol.Item;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code items} collection. Inserts are idempotent: an id that exists already (a redelivered store_put) is a
 * duplicate-key error that is ignored, so it never makes a second document and never overwrites what is stored.
 * Deletes leave a tombstone ({@code _deleted}, the item's fields dropped) so that a late redelivered insert of a
 * deleted item cannot bring it back.
 */
public final class ItemStore {
    private static final Logger log = LoggerFactory.getLogger(ItemStore.class);
    static final int DUPLICATE_KEY = 11000;
    /** The id of the last edit applied to a document, so that a redelivered edit is not applied twice. */
    private static final String LAST_EDIT = "_e";
    private static final Bson LIVE = Filters.exists("_deleted", false);
    private static final Bson NEWEST_FIRST = Sorts.orderBy(Sorts.descending("ts"), Sorts.descending("_id"));

    private final MongoCollection<Document> items;

    public ItemStore(MongoDatabase db) {
        this.items = db.getCollection("items");
        // Serves recentByUser on a real MongoDB; mongo-java-server accepts it and scans (hence RecentItemsCache).
        items.createIndex(Indexes.compoundIndex(Indexes.ascending("userid"), Indexes.descending("ts"), Indexes.descending("_id")),
                new IndexOptions().name("userid_ts_id"));
    }

    /**
     * The outcome of a bulk insert: which ids are new, which were there already (redeliveries), and which items the
     * store refused (id → reason): a member that cannot be converted or written never fails the rest of its batch.
     */
    public record Inserted(List<Long> newIds, List<Long> existingIds, Map<Long, String> rejected) {}

    /**
     * Inserts all items, unordered; ids already present are reported, not overwritten. Failures of single members
     * (conversion, a write error other than duplicate key) are reported in {@code rejected}; only a failure of the
     * whole call (MongoDB unreachable) throws.
     */
    public Inserted insertAll(List<Item> batch) {
        if (batch.isEmpty()) return new Inserted(List.of(), List.of(), Map.of());
        Map<Long, String> rejected = new LinkedHashMap<>();
        List<Item> written = new ArrayList<>(batch.size());
        List<InsertOneModel<Document>> writes = new ArrayList<>(batch.size());
        for (Item i : batch) {
            try {
                writes.add(new InsertOneModel<>(Documents.of(i)));
                written.add(i);
            } catch (RuntimeException bad) {
                rejected.put(i.id(), "cannot be stored: " + bad.getMessage());
            }
        }
        BitSet duplicate = new BitSet(written.size());
        BitSet failed = new BitSet(written.size());
        try {
            if (!writes.isEmpty()) items.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError err : e.getWriteErrors()) {
                if (err.getCode() == DUPLICATE_KEY) {
                    duplicate.set(err.getIndex());
                } else {
                    failed.set(err.getIndex());
                    rejected.put(written.get(err.getIndex()).id(), "write refused (code " + err.getCode() + "): " + err.getMessage());
                }
            }
        }
        List<Long> fresh = new ArrayList<>(written.size());
        List<Long> existing = new ArrayList<>(duplicate.cardinality());
        for (int i = 0; i < written.size(); i++) {
            if (failed.get(i)) continue;
            (duplicate.get(i) ? existing : fresh).add(written.get(i).id());
        }
        if (!existing.isEmpty()) log.debug("event=items_duplicate count={}", existing.size());
        if (!rejected.isEmpty()) log.warn("event=items_rejected count={} ids={}", rejected.size(), rejected.keySet());
        return new Inserted(fresh, existing, rejected);
    }

    /** The live (not deleted) item with this id. */
    public Optional<Item> find(long id) {
        return Optional.ofNullable(items.find(Filters.eq("_id", id)).first()).filter(ItemStore::live).map(Documents::item);
    }

    /** The live items among these ids, in no particular order. */
    public List<Item> findAll(Collection<Long> ids) {
        if (ids.isEmpty()) return List.of();
        List<Item> out = new ArrayList<>(ids.size());
        for (Document d : items.find(Filters.in("_id", ids))) if (live(d)) out.add(Documents.item(d));
        return out;
    }

    /**
     * Replaces a live item by its tombstone. Filters name {@code _id} alone on purpose: mongo-java-server uses its
     * {@code _id} index only for such filters and scans the collection for any compound one.
     *
     * <p>A tombstone of this owner that was never {@linkplain #markAnnounced announced} answers DELETED again: the
     * delete that wrote it failed afterwards (cache update, publish), and its retry must redo those steps rather than
     * answer 404 and leave the item in caches and subscribers' views.
     */
    public DeleteResult delete(long id, long ownerId) {
        Document d = items.find(Filters.eq("_id", id)).projection(new Document("userid", 1).append("_deleted", 1).append("_announced", 1)).first();
        if (d == null) return DeleteResult.NOT_FOUND;
        boolean owner = ((Number) d.get("userid")).longValue() == ownerId; // owners never change
        if (!live(d)) return owner && !d.containsKey("_announced") ? DeleteResult.DELETED : DeleteResult.NOT_FOUND;
        if (!owner) return DeleteResult.FORBIDDEN;
        Document tombstone = new Document("_id", id).append("userid", ownerId).append("_deleted", System.currentTimeMillis());
        Document before = items.findOneAndReplace(Filters.eq("_id", id), tombstone);
        return before != null && live(before) ? DeleteResult.DELETED : delete(id, ownerId); // a concurrent delete: ask again
    }

    /** Records that every step after a delete's tombstone is done: from now on deleting it again is a 404. */
    public void markAnnounced(long id) {
        items.updateOne(Filters.eq("_id", id), new Document("$set", new Document("_announced", true)));
    }

    /**
     * The edit of one item as a read-check-write; the caller holds the item's {@link ItemLocks lock}. The id of the
     * edit ({@code _e}, the bus message id) is stored with the item, so a redelivered edit is recognised, not
     * applied twice.
     *
     * @param versions the versions the caller's If-Match allows; null for any
     * @param edit     builds the new item from the stored one (throws InputException on bad input)
     */
    public EditResult edit(long id, long ownerId, java.util.Set<Long> versions, String editId,
                           java.util.function.UnaryOperator<Item> edit) {
        Document d = items.find(Filters.eq("_id", id)).first();
        if (d == null || !live(d)) return new EditResult.NotFound();
        if (((Number) d.get("userid")).longValue() != ownerId) return new EditResult.Forbidden();
        Item current = Documents.item(d);
        if (editId.equals(d.get(LAST_EDIT))) return new EditResult.AlreadyApplied(current);
        if (versions != null && !versions.contains(current.version())) return new EditResult.VersionMismatch(current.version());
        Item next = edit.apply(current);
        Document before = items.findOneAndReplace(Filters.eq("_id", id), Documents.of(next).append(LAST_EDIT, editId));
        if (before == null || !live(before)) {
            // Only a delete that ignored the lock (its holder outlived the lock's expiry) gets here: undo, report gone.
            if (before != null) items.replaceOne(Filters.eq("_id", id), before);
            return new EditResult.NotFound();
        }
        return new EditResult.Edited(next);
    }

    private static boolean live(Document d) {
        return !d.containsKey("_deleted");
    }

    /**
     * Live items carrying a keyword, newest first. mongo-java-server scans the collection for this (a real MongoDB
     * would want an index on keywords, ts, _id; one is not created here because maintaining it would slow every insert
     * into mongo-java-server for no read gain): {@link KeywordIndex} keeps it off the common path.
     */
    public List<Item> recentByKeyword(String keyword, int lim, int off) {
        List<Item> out = new ArrayList<>(Math.min(lim, 1000));
        for (Document d : items.find(Filters.and(Filters.eq("keywords", keyword), LIVE)).sort(NEWEST_FIRST).skip(off).limit(lim)) {
            out.add(Documents.item(d));
        }
        return out;
    }

    /** A user's live items, newest first (ts, then id, descending). */
    public List<Item> recentByUser(long userid, int lim, int off) {
        List<Item> out = new ArrayList<>(Math.min(lim, 1000));
        for (Document d : items.find(Filters.and(Filters.eq("userid", userid), LIVE)).sort(NEWEST_FIRST).skip(off).limit(lim)) {
            out.add(Documents.item(d));
        }
        return out;
    }
}
