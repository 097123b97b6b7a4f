package org.jdsm.apps.dataframe;

import java.util.ArrayList;
import java.util.List;

import static org.jdsm.apps.dataframe.Aggregate.Kind;

/**
 * The h2oai db-benchmark group-by questions q1 to q10 over the {@link G1Generator} table, and DRust's batch of
 * them. As in the benchmark's data.table solution, NA values are skipped and NA keys form their own group.
 * <p>
 * <b>Note:</b> stateless, threadsafe.
 */
public final class Queries
{
    private Queries()
    {
    }

    /**
     * The ten questions.
     *
     * @return q1 to q10 in order.
     */
    public static List<Query> questions()
    {
        return List.of(
            Query.of("q1 sum v1 by id1", List.of("id1"), Aggregate.sum("v1")),
            Query.of("q2 sum v1 by id1:id2", List.of("id1", "id2"), Aggregate.sum("v1")),
            Query.of("q3 sum v1 mean v3 by id3", List.of("id3"), Aggregate.sum("v1"), Aggregate.mean("v3")),
            Query.of("q4 mean v1:v3 by id4", List.of("id4"), Aggregate.mean("v1"), Aggregate.mean("v2"),
                Aggregate.mean("v3")),
            Query.of("q5 sum v1:v3 by id6", List.of("id6"), Aggregate.sum("v1"), Aggregate.sum("v2"),
                Aggregate.sum("v3")),
            Query.of("q6 median v3 sd v3 by id4 id5", List.of("id4", "id5"),
                Aggregate.of(Kind.MEDIAN, "v3", "median_v3"), Aggregate.of(Kind.STDDEV, "v3", "sd_v3")),
            Query.of("q7 max v1 - min v2 by id3", List.of("id3"),
                Aggregate.of(Kind.RANGE, "v1", "v2", "range_v1_v2")),
            Query.of("q8 largest two v3 by id6", List.of("id6"), Aggregate.topK("v3", 2, "largest2_v3")),
            Query.of("q9 regression v1 v2 by id2 id4", List.of("id2", "id4"),
                Aggregate.of(Kind.R2, "v1", "v2", "r2")),
            Query.of("q10 sum v3 count by id1:id6", List.of("id1", "id2", "id3", "id4", "id5", "id6"),
                Aggregate.sum("v3"), Aggregate.count()));
    }

    /**
     * Questions by their numbers.
     *
     * @param numbers 1 to 10.
     * @return the questions, in the order given.
     */
    public static List<Query> questions(final List<Integer> numbers)
    {
        final List<Query> all = questions();
        final List<Query> chosen = new ArrayList<>();
        for (final int number : numbers)
        {
            if (number < 1 || number > all.size())
            {
                throw new DataFrameException("question q" + number + " is not in q1..q" + all.size());
            }
            chosen.add(all.get(number - 1));
        }
        return chosen;
    }

    /**
     * DRust's batch: the nine one-to-five-key shapes (q1 to q9) three times each and the six-key query (q10)
     * twice, all submitted at once so they run concurrently.
     *
     * @return the 29 queries, in submission order.
     */
    public static List<Query> batch()
    {
        final List<Query> questions = questions();
        final List<Query> batch = new ArrayList<>();
        for (int round = 0; round < 3; round++)
        {
            batch.addAll(questions.subList(0, 9));
            if (round < 2)
            {
                batch.add(questions.get(9));
            }
        }
        return batch;
    }
}
