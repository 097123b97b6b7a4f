package org.jdsm.apps;

import org.jdsm.DsmConfig;
import org.jdsm.spi.CountersFile;
import picocli.CommandLine.Option;

import java.io.File;

/**
 * The {@code --dir} option of {@code jdsm stat} and {@code jdsm errors}: where the nodes' counters files are.
 * <p>
 * <b>Note:</b> a picocli mixin; set once by the parser.
 */
final class CountersDirectoryOption
{
    @Option(names = "--dir", paramLabel = "DIR",
        description = "Directory of the counters files (default: -Djdsm.counters.dir, else jdsm-<user> under " +
        "/dev/shm or java.io.tmpdir).")
    private String dir;

    /**
     * The directory of the counters files.
     *
     * @return {@code --dir}, else {@code jdsm.counters.dir}, else {@link CountersFile#defaultDirectory()}.
     */
    File directory()
    {
        if (null != dir)
        {
            return new File(dir);
        }
        final String property = System.getProperty(DsmConfig.COUNTERS_DIR_PROP_NAME);

        return new File(null != property ? property : CountersFile.defaultDirectory());
    }
}
