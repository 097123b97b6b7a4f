package org.jdsm.apps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckHistoryCommandTest
{
    private static final String LINEARIZABLE_KV =
        "{\"process\": 0, \"type\": \"invoke\", \"f\": \"put\", \"key\": \"x\", \"value\": \"a\"}\n" +
        "{\"process\": 1, \"type\": \"invoke\", \"f\": \"append\", \"key\": \"x\", \"value\": \"b\"}\n" +
        "{\"process\": 0, \"type\": \"ok\", \"f\": \"put\", \"key\": \"x\", \"value\": \"a\"}\n" +
        "{\"process\": 1, \"type\": \"ok\", \"f\": \"append\", \"key\": \"x\", \"value\": \"b\"}\n" +
        "{\"process\": 2, \"type\": \"invoke\", \"f\": \"get\", \"key\": \"x\", \"value\": null}\n" +
        "{\"process\": 2, \"type\": \"ok\", \"f\": \"get\", \"key\": \"x\", \"value\": \"ab\"}\n" +
        "{\"process\": 2, \"type\": \"invoke\", \"f\": \"get\", \"key\": \"y\", \"value\": null}\n" +
        "{\"process\": 2, \"type\": \"ok\", \"f\": \"get\", \"key\": \"y\", \"value\": null}\n";
    private static final String NOT_LINEARIZABLE_KV =
        "{\"process\": 0, \"type\": \"invoke\", \"f\": \"put\", \"key\": \"x\", \"value\": \"a\"}\n" +
        "{\"process\": 0, \"type\": \"ok\", \"f\": \"put\", \"key\": \"x\", \"value\": \"a\"}\n" +
        "{\"process\": 1, \"type\": \"invoke\", \"f\": \"append\", \"key\": \"x\", \"value\": \"b\"}\n" +
        "{\"process\": 1, \"type\": \"ok\", \"f\": \"append\", \"key\": \"x\", \"value\": \"b\"}\n" +
        "{\"process\": 2, \"type\": \"invoke\", \"f\": \"get\", \"key\": \"x\", \"value\": null}\n" +
        "{\"process\": 2, \"type\": \"ok\", \"f\": \"get\", \"key\": \"x\", \"value\": \"ba\"}\n";

    @TempDir
    Path dir;

    private static final class Run
    {
        int status;
        String out;
        String err;
    }

    private static Run run(final String... args)
    {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        final Run run = new Run();
        try
        {
            run.status = Launcher.execute(args);
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
        }
        run.out = outBytes.toString(StandardCharsets.UTF_8);
        run.err = errBytes.toString(StandardCharsets.UTF_8);

        return run;
    }

    private Path file(final String name, final String text) throws IOException
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void shouldExitZeroOnLinearizableHistory() throws IOException
    {
        final Run run = run("check-history", file("ok.jsonl", LINEARIZABLE_KV).toString(), "--model", "kv");

        assertEquals(0, run.status, run.out + run.err);
        assertTrue(run.out.startsWith("LINEARIZABLE: 4 ops, 2 keys, largest 3 ops, "), run.out);
        assertTrue(run.out.contains("\n  x: LINEARIZABLE 3 ops, "), run.out);
        assertTrue(run.out.contains("\n  y: LINEARIZABLE 1 ops, "), run.out);
    }

    @Test
    void shouldExitOneAndPrintCounterExampleOnNonLinearizableHistory() throws IOException
    {
        final Run run = run("check-history", "--model", "kv", file("bad.jsonl", NOT_LINEARIZABLE_KV).toString());

        assertEquals(1, run.status, run.out + run.err);
        assertTrue(run.out.startsWith("NOT_LINEARIZABLE: 3 ops, 1 keys, "), run.out);
        assertTrue(run.out.contains("key x is not linearizable for kv: 3 of its 3 ops have no linearization\n" +
            "  #0 client 0 x: WRITE(\"a\") [0, 1]\n" +
            "  #1 client 1 x: APPEND(\"b\") [2, 3]\n" +
            "  #2 client 2 x: READ -> \"ba\" [4, 5]\n"), run.out);
    }

    @Test
    void shouldExitTwoNamingTheMalformedLine() throws IOException
    {
        final Path file = file("broken.jsonl", LINEARIZABLE_KV + "{\"process\": 3, \"type\": \"ok\"\n");

        final Run run = run("check-history", file.toString(), "--model", "kv");

        assertEquals(2, run.status);
        assertEquals("check-history: " + file + ":9: malformed JSON at column 28: unexpected end of line\n", run.err);
        assertEquals("", run.out);
    }

    @Test
    void shouldExitTwoOnUnknownModelAndMissingFile() throws IOException
    {
        final Path file = file("ok.jsonl", LINEARIZABLE_KV);

        final Run unknownModel = run("check-history", file.toString(), "--model", "tree");
        final Run missing = run("check-history", dir.resolve("none.jsonl").toString());
        final Run appendOnRegister = run("check-history", file.toString(), "--model", "register");

        assertEquals(2, unknownModel.status);
        assertEquals("check-history: " + file + ": model=tree is not one of register, cas-register, kv, counter, " +
            "queue, map\n", unknownModel.err);
        assertEquals(2, missing.status);
        assertEquals("check-history: " + dir.resolve("none.jsonl") + ": no such file\n", missing.err);
        assertEquals(2, appendOnRegister.status);
        assertTrue(appendOnRegister.err.contains("\"value\" must be an integer or null: \"a\""), appendOnRegister.err);
        assertEquals(2, run("check-history").status, "FILE is required");
    }
}
