package org.jdsm.spi;

import org.jdsm.DsmException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DistinctErrorPrinter}: one line for the first error of each kind, repeats counted, stack traces only when
 * verbose.
 */
class DistinctErrorPrinterTest
{
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void shouldPrintFirstOfEachKindInOneLineAndCountRepeats()
    {
        final DistinctErrorPrinter printer = new DistinctErrorPrinter(4, false, () -> out);
        for (int i = 0; i < 10_000; i++)
        {
            printer.onError(new DsmException("frame from session " + i + " dropped"));
            printer.onError(new IllegalStateException("broken", new RuntimeException("root " + i)));
        }

        assertEquals("jdsm node 4 error: org.jdsm.DsmException: frame from session 0 dropped" + System.lineSeparator() +
            "jdsm node 4 error: java.lang.IllegalStateException: broken (caused by java.lang.RuntimeException: root 0)" +
            System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
        assertEquals(2, printer.kinds());
        assertEquals(19_998, printer.repeats());
    }

    @Test
    void shouldPrintStackTraceOfFirstOfKindWhenVerbose()
    {
        final DistinctErrorPrinter printer = new DistinctErrorPrinter(0, true, () -> out);
        printer.onError(new IllegalStateException("broken"));
        printer.onError(new IllegalStateException("broken"));

        final String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("jdsm node 0 error: java.lang.IllegalStateException: broken" + System.lineSeparator() +
            "java.lang.IllegalStateException: broken" + System.lineSeparator() + "\tat org.jdsm.spi."), text);
        assertEquals(1, text.lines().filter((line) -> line.startsWith("java.lang.IllegalStateException")).count(), text);
    }
}
