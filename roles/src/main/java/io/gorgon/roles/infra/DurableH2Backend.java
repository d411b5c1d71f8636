package io.gorgon.roles.infra;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.EmptyIndex;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;

/**
 * mongo-java-server's H2 backend with "acknowledged means stored". H2Backend writes to an MVStore that commits only
 * in the background about once a second, so a SIGKILL lost up to a second of acknowledged writes. Here every request
 * that changed something commits before its reply is sent: the wire handler writes the reply after the backend's
 * {@code handleMessage} (OP_MSG), {@code handleQuery} or {@code handleCommand} (legacy OP_QUERY) returns, and all
 * three go through this wrapper. (A proxy rather than a subclass: {@code handleCommand} takes a netty type that is
 * not on our compile classpath.)
 *
 * <p>A commit hands the data to the OS, it does not fsync: a crash of the mongo process loses nothing acknowledged;
 * a power loss may lose the last moments, as with redis' appendfsync everysec.
 */
final class DurableH2Backend {
    private static final Set<String> REQUESTS = Set.of("handleMessage", "handleQuery", "handleCommand");

    private DurableH2Backend() {}

    static MongoBackend open(String fileName) {
        H2Backend backend = new FastOpenH2Backend(fileName);
        Object[] self = new Object[1];
        self[0] = Proxy.newProxyInstance(MongoBackend.class.getClassLoader(), new Class<?>[] {MongoBackend.class},
                (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(backend, args);
                        return result == backend ? self[0] : result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        // Also after a failed request: an insertMany can store some documents before a duplicate key.
                        if (REQUESTS.contains(method.getName()) && backend.getMvStore().hasUnsavedChanges()) {
                            backend.commit();
                        }
                    }
                });
        return (MongoBackend) self[0];
    }

    /**
     * Documents and unique index keys without Java serialization ({@link DocumentValueType}, {@link IndexKeyType}),
     * and an open in about a second whatever is stored. mongo-java-server keeps no secondary indexes: it answers
     * createIndex on them with an {@link EmptyIndex}, and on every open it re-adds each index that says it is empty
     * by reading every document of its collection: the store's userid_ts_id index made opening cost a full scan of
     * the items (24 s for 87,000 notes on a busy 2-core machine, minutes at millions). Here such an index says it is
     * not empty, so nothing is scanned; it indexes nothing either way.
     */
    static final class FastOpenH2Backend extends H2Backend {
        FastOpenH2Backend(String fileName) {
            super(fileName);
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            return new H2Database(databaseName, getMvStore(), getCursorRegistry()) {
                @Override
                protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
                    // As for the indexes: opened here first, with documents in a compact form.
                    getMvStore().openMap(dataMapName(getFullCollectionNamespace(collectionName)),
                            new MVMap.Builder<Object, Document>().valueType(new DocumentValueType()));
                    return super.openOrCreateCollection(collectionName, options);
                }

                @Override
                protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName,
                                                                List<IndexKey> keys, boolean sparse) {
                    // Opened here first with the fast key type, the map is the one H2Database's openMap(name) gets.
                    getMvStore().openMap(uniqueIndexMapName(getFullCollectionNamespace(collectionName), indexName),
                            new MVMap.Builder<KeyValue, Object>().keyType(new IndexKeyType()));
                    return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
                }

                @Override
                protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName,
                                                                   List<IndexKey> keys, boolean sparse) {
                    return new EmptyIndex<>(indexName, keys) {
                        @Override
                        public boolean isEmpty() {
                            return false;
                        }
                    };
                }
            };
        }
    }

    /** The name H2Database gives a collection's documents map (mongo-java-server 1.47). */
    static String dataMapName(String collectionNamespace) {
        return "databases." + collectionNamespace;
    }

    /** The name H2Database gives a unique index's map (mongo-java-server 1.47). */
    static String uniqueIndexMapName(String collectionNamespace, String indexName) {
        return collectionNamespace + "._index_" + indexName;
    }
}
