package org.jdsm.apps;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of the launcher in this JVM, with what it printed: the exit status, standard output and standard error.
 *
 * @param status the launcher's exit status.
 * @param out    what it printed to standard output.
 * @param err    what it printed to standard error.
 */
record LauncherRun(int status, String out, String err)
{
    /**
     * Run the launcher with {@code args}, capturing {@code System.out} and {@code System.err}; one run at a time,
     * as the streams are the JVM's.
     *
     * @param args of the launcher.
     * @return the run.
     */
    static synchronized LauncherRun launch(final String... args)
    {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final int status;
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        try
        {
            status = Launcher.execute(args);
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
        }

        return new LauncherRun(
            status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    }
}
