package io.gorgon.roles.store;

import io.gorgon.protocol.CreateUserResult;
import io.gorgon.protocol.User;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.BulkWriteUpsert;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The {@code users} collection: {@code _id} = user id, email lower-cased under a unique index. */
public final class UserStore {
    private static final Logger log = LoggerFactory.getLogger(UserStore.class);
    private final MongoCollection<Document> users;

    public UserStore(MongoDatabase db) {
        this.users = db.getCollection("users");
        users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true).name("email_unique"));
    }

    /** The outcome of a bulk upsert: ids that were new, and users skipped because another user has their email. */
    public record Upserted(List<Long> newIds, List<Long> duplicateEmailIds) {}

    /** Replaces the password hash of user {@code id} if it is still {@code old}; true if it was replaced. */
    public boolean rehash(long id, String old, String passhash) {
        return users.updateOne(com.mongodb.client.model.Filters.and(com.mongodb.client.model.Filters.eq("_id", id),
                com.mongodb.client.model.Filters.eq("passhash", old)), new Document("$set", new Document("passhash", passhash))).getModifiedCount() == 1;
    }

    public CreateUserResult create(User u) {
        try {
            users.insertOne(Documents.of(u));
            return new CreateUserResult.Created(u);
        } catch (MongoWriteException e) {
            if (e.getError().getCode() != ItemStore.DUPLICATE_KEY) throw e;
            // Either the email is taken, or this very create was delivered twice (same id and email): find out which.
            Optional<User> holder = byEmail(u.email());
            if (holder.isPresent() && holder.get().id() == u.id()) return new CreateUserResult.Created(holder.get());
            if (holder.isPresent()) return new CreateUserResult.DuplicateEmail(u.email());
            throw new IllegalStateException("user id " + u.id() + " is taken by another email", e);
        }
    }

    public Optional<User> byEmail(String email) {
        Document d = users.find(Filters.eq("email", email.strip().toLowerCase(Locale.ROOT))).first();
        return Optional.ofNullable(d).map(Documents::user);
    }

    /** Replaces a user's password hash; false if there is no such user. */
    public boolean setPasshash(long id, String passhash) {
        return users.updateOne(Filters.eq("_id", id), com.mongodb.client.model.Updates.set("passhash", passhash)).getMatchedCount() == 1;
    }

    public Optional<User> byId(long id) {
        return Optional.ofNullable(users.find(Filters.eq("_id", id)).first()).map(Documents::user);
    }

    /** Inserts or replaces users by id (the simulator's synthetic users), unordered. */
    public Upserted upsertAll(List<User> batch) {
        if (batch.isEmpty()) return new Upserted(List.of(), List.of());
        List<ReplaceOneModel<Document>> writes = new ArrayList<>(batch.size());
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        for (User u : batch) writes.add(new ReplaceOneModel<>(Filters.eq("_id", u.id()), Documents.of(u), upsert));
        List<Long> fresh = new ArrayList<>();
        List<Long> dupEmail = new ArrayList<>();
        BulkWriteResult result;
        try {
            result = users.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError err : e.getWriteErrors()) {
                if (err.getCode() != ItemStore.DUPLICATE_KEY) throw e;
                dupEmail.add(batch.get(err.getIndex()).id());
            }
            result = e.getWriteResult();
        }
        for (BulkWriteUpsert up : result.getUpserts()) fresh.add(batch.get(up.getIndex()).id());
        if (!dupEmail.isEmpty()) log.warn("event=users_upsert_duplicate_email count={}", dupEmail.size());
        return new Upserted(fresh, dupEmail);
    }
}
