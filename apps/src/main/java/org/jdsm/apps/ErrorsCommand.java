package org.jdsm.apps;

import org.jdsm.spi.CountersFileReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.File;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jdsm errors}: print the distinct errors of every live node on this machine (as Aeron's {@code ErrorStat}),
 * read from the distinct error logs in their counters files: for each, how many times it was seen, when first and
 * last, and its stack trace.
 */
@Command(name = "errors", mixinStandardHelpOptions = true,
    description = "Print the distinct errors of every live jdsm node on this machine, with counts and first/last time.")
final class ErrorsCommand implements Callable<Integer>
{
    @Mixin
    private CountersDirectoryOption countersDirectory;

    public Integer call()
    {
        final File directory = countersDirectory.directory();
        final PrintStream out = System.out;
        final List<CountersFileReader> readers = CountersFileReader.openLive(directory);
        try
        {
            if (readers.isEmpty())
            {
                out.println("no live jdsm node in " + directory);
            }
            for (final CountersFileReader reader : readers)
            {
                out.println(StatCommand.header(reader));
                final int distinct = reader.readErrors((observationCount, firstTimestamp, lastTimestamp, encodedException) ->
                    out.format("%,d observations from %s to %s for:%n %s%n", observationCount,
                        Instant.ofEpochMilli(firstTimestamp), Instant.ofEpochMilli(lastTimestamp), encodedException));
                out.format("%d distinct errors%n", distinct);
            }
        }
        finally
        {
            readers.forEach(CountersFileReader::close);
        }
        out.flush();

        return 0;
    }
}
