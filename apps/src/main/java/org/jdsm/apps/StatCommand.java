package org.jdsm.apps;

import org.jdsm.ConfigurationException;
import org.jdsm.spi.CountersFileReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code jdsm stat}: print the counters of every live node on this machine (as {@code AeronStat} prints a media
 * driver's), read from their counters files while they run: the engine's, the transport's and the rejected frames
 * per reason and source. Refreshes every {@code --interval} until interrupted, or prints once with {@code --once}.
 * Files of dead processes are removed on the way.
 */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = "Print the counters of every live jdsm node on this machine, refreshing (as AeronStat).")
final class StatCommand implements Callable<Integer>
{
    @Mixin
    private CountersDirectoryOption countersDirectory;

    @Option(names = "--once", description = "Print once and exit (for scripts).")
    private boolean once;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
        description = "Seconds between refreshes (default: ${DEFAULT-VALUE}).")
    private int intervalSeconds;

    public Integer call() throws InterruptedException
    {
        if (intervalSeconds < 1)
        {
            throw new ConfigurationException("--interval=" + intervalSeconds + " must be at least 1 second");
        }
        final File directory = countersDirectory.directory();
        final PrintStream out = System.out;
        while (true)
        {
            if (!once)
            {
                out.print("\u001b[H\u001b[2J"); // clear the terminal, as AeronStat does
            }
            print(directory, out);
            out.flush();
            if (once)
            {
                return 0;
            }
            TimeUnit.SECONDS.sleep(intervalSeconds);
        }
    }

    private static void print(final File directory, final PrintStream out)
    {
        final List<CountersFileReader> readers = CountersFileReader.openLive(directory);
        try
        {
            if (readers.isEmpty())
            {
                out.println("no live jdsm node in " + directory);
            }
            for (final CountersFileReader reader : readers)
            {
                out.println(header(reader));
                reader.counters().forEach((counterId, typeId, key, label) ->
                    out.format("%3d: %,20d - %s%n", counterId, reader.counters().getCounterValue(counterId), label));
            }
        }
        finally
        {
            readers.forEach(CountersFileReader::close);
        }
    }

    /**
     * One line naming the node of a counters file.
     *
     * @param reader of the file.
     * @return {@code node N, pid P, started T, FILE}.
     */
    static String header(final CountersFileReader reader)
    {
        return "node " + reader.nodeId() + ", pid " + reader.pid() + ", started " +
            Instant.ofEpochMilli(reader.nodeStartTimeMs()) + ", " + reader.file();
    }
}
