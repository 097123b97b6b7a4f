package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.jdsm.ConfigurationException;

/**
 * Checks, before a node touches memory, that Agrona may reach {@code jdk.internal.misc.Unsafe}: Agrona 2.x reads and
 * writes buffers through it, and without {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (on the
 * command line, or {@code Add-Exports} in an executable jar's manifest) the first buffer fails with an
 * {@link IllegalAccessError} that names no flag.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
final class JdkInternalsAccess
{
    /** The flag every JVM running a node needs. */
    static final String ADD_EXPORTS_FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private JdkInternalsAccess()
    {
    }

    /**
     * @throws ConfigurationException naming the flag if Agrona's module can not reach {@code jdk.internal.misc}.
     */
    static void check()
    {
        if (!Object.class.getModule().isExported("jdk.internal.misc", DirectBuffer.class.getModule()))
        {
            throw new ConfigurationException("jdsm needs the JVM flag " + ADD_EXPORTS_FLAG + " (Agrona reads " +
                "memory through jdk.internal.misc.Unsafe): add it to the java command line, or run with ./jdsm");
        }
    }
}
