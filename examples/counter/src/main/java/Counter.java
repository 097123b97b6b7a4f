import org.jdsm.*;

public final class Counter
{
    public static void main(final String[] args) throws Exception
    {
        // one node in this JVM by default; -Djdsm.node.count, -Djdsm.members, -Djdsm.transport=aeron make a cluster
        try (DsmNode node = Dsm.start(new DsmConfig()))
        {
            final DBox<Long> total = node.alloc(Codecs.LONG, 0L);          // owned here
            try (Ref<Long> ref = total.read())                            // many readers...
            {
                System.out.println(node.spawnOn(node.nodeCount() - 1, (n) -> ref.getLong()).get()); // ...anywhere
            }
            try (Mut<Long> mut = total.write())                           // ...or one writer
            {
                mut.setLong(mut.getLong() + 1);                           // no allocation, no copy
            }
            final DMutex<Long> shared = node.mutex(Codecs.LONG, 0L);
            node.spawn((n) -> { try (Mut<Long> m = shared.lock()) { m.setLong(m.getLong() + 1); } return null; }).get();
        }
    }
}
