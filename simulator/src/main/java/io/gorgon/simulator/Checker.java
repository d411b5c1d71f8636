package io.gorgon.simulator;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * Jepsen's queue checker over the store's {@code items} collection, for the notes one run sent:
 * <ul>
 *   <li><b>lost</b>: acknowledged (the send returned), not in the store;</li>
 *   <li><b>duplicates</b>: extra copies of a note: the same id stored twice, or the same sent note (its
 *       {@code simseq}) stored under two ids;</li>
 *   <li><b>unexpected</b>: in the store with this run's tag, but never sent;</li>
 *   <li><b>recovered</b>: the send's outcome was unknown (it failed or timed out), yet the note is stored.</li>
 * </ul>
 * Presence is read with {@code {_id: {$in: [...]}}} batches (the only filter mongo-java-server answers from its _id
 * index); the tag scan for unexpected notes reads the collection once.
 */
final class Checker {
    static final int BATCH = 1000;
    private static final int SAMPLE = 20;

    record Result(long acknowledged, long lost, long duplicates, long unexpected, long recovered, long unknownMissing,
                  List<Long> lostSample) {}

    private final MongoCollection<Document> items;

    Checker(MongoCollection<Document> items) {
        this.items = items;
    }

    /** @param runTag the run's {@code simrun} marker, or null to skip the scan for unexpected notes */
    Result check(long[] acknowledged, long[] unknown, String runTag) {
        return check(acknowledged, unknown, new long[0], runTag);
    }

    /**
     * @param unknownSeqs {@code simseq}s of notes whose outcome is unknown and whose id was never seen (an HTTP create
     *                    that timed out): found in the store they are recovered, not unexpected
     */
    Result check(long[] acknowledged, long[] unknown, long[] unknownSeqs, String runTag) {
        long[] acked = distinct(acknowledged);
        Map<Long, Integer> ackCounts = counts(acked);
        long lost = 0, duplicates = 0;
        List<Long> lostSample = new ArrayList<>();
        for (long id : acked) {
            int n = ackCounts.getOrDefault(id, 0);
            if (n == 0) {
                lost++;
                if (lostSample.size() < SAMPLE) lostSample.add(id);
            } else if (n > 1) {
                duplicates += n - 1;
            }
        }
        long[] maybe = distinct(unknown);
        Map<Long, Integer> unknownCounts = counts(maybe);
        long recovered = 0, unknownMissing = 0;
        for (long id : maybe) {
            int n = unknownCounts.getOrDefault(id, 0);
            if (n == 0) unknownMissing++;
            else recovered++;
            if (n > 1) duplicates += n - 1;
        }
        long unexpected = 0;
        if (runTag != null) {
            Set<Long> sent = new HashSet<>();
            for (long id : acknowledged) sent.add(id);
            for (long id : unknown) sent.add(id);
            Set<Long> seenIds = new HashSet<>();
            Set<Long> seenSeqs = new HashSet<>();
            Set<Long> maybeSeqs = new HashSet<>();
            for (long seq : unknownSeqs) maybeSeqs.add(seq);
            for (Document d : items.find(Filters.eq("simrun", runTag)).projection(Projections.include("_id", "simseq"))) {
                long id = ((Number) d.get("_id")).longValue();
                if (!seenIds.add(id)) continue; // a repeated _id was counted above
                Object seq = d.get("simseq");
                if (!sent.contains(id)) {
                    if (seq instanceof Number s && maybeSeqs.remove(s.longValue())) recovered++;
                    else unexpected++;
                }
                if (seq instanceof Number s && !seenSeqs.add(s.longValue())) duplicates++;
            }
        }
        return new Result(acked.length, lost, duplicates, unexpected, recovered, unknownMissing, lostSample);
    }

    /** The ids of {@code ids} that are not in the store (yet). */
    long[] missing(long[] ids) {
        long[] d = distinct(ids);
        Map<Long, Integer> c = counts(d);
        return Arrays.stream(d).filter(id -> !c.containsKey(id)).toArray();
    }

    /** How many documents the store holds for each id (ids absent from the map: none). */
    private Map<Long, Integer> counts(long[] d) {
        Map<Long, Integer> counts = new HashMap<>();
        for (int from = 0; from < d.length; from += BATCH) {
            List<Long> batch = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(d.length, from + BATCH); i++) batch.add(d[i]);
            for (Document doc : items.find(Filters.in("_id", batch)).projection(Projections.include("_id"))) {
                counts.merge(((Number) doc.get("_id")).longValue(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static long[] distinct(long[] ids) {
        return Arrays.stream(ids).distinct().toArray();
    }
}
