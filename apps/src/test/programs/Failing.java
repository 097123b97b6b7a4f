import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;

/** A driver whose main throws after its tasks ran; args[0] "closed" throws inside try-with-resources. */
public final class Failing
{
    public static void main(final String[] args) throws Exception
    {
        if ("closed".equals(args[0]))
        {
            try (DsmNode node = Dsm.start(new DsmConfig()))
            {
                for (int i = 0; i < node.nodeCount(); i++)
                {
                    node.spawnOn(i, (n) -> n.nodeId()).get();
                }
                throw new IllegalStateException("boom in a closed node");
            }
        }
        final DsmNode node = Dsm.start(new DsmConfig());
        node.spawnOn(node.nodeCount() - 1, (n) -> n.nodeId()).get();
        throw new IllegalStateException("boom without closing the node");
    }
}
