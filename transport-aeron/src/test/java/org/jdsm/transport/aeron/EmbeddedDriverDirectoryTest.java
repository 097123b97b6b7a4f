package org.jdsm.transport.aeron;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedDriverDirectoryTest
{
    @TempDir
    Path parent;

    @Test
    void shouldRemoveOnlyTheDirectoriesOfDeadProcesses() throws IOException
    {
        final Path dead = Files.createDirectory(parent.resolve(EmbeddedDriverDirectory.PREFIX + deadPid() + "-1f"));
        Files.writeString(dead.resolve("cnc.dat"), "left behind by a killed node");
        Files.createDirectory(dead.resolve("publications"));
        final Path live = Files.createDirectory(
            parent.resolve(EmbeddedDriverDirectory.PREFIX + ProcessHandle.current().pid() + "-2e"));
        final Path other = Files.createDirectory(parent.resolve("jdsm-aeron-notapid-3d"));
        final Path file = Files.createFile(parent.resolve(EmbeddedDriverDirectory.PREFIX + deadPid() + "-4c"));

        assertEquals(1, EmbeddedDriverDirectory.removeStale(parent.toFile()));

        assertFalse(Files.exists(dead), "a dead process's directory is removed with what it holds");
        assertTrue(Files.exists(live), "a live process's directory stays");
        assertTrue(Files.exists(other), "a name that is not an embedded driver directory's stays");
        assertTrue(Files.exists(file), "a plain file stays");
    }

    @Test
    void shouldNameAFreshDirectoryOfThisProcessUnderTheParent()
    {
        final File directory = new File(EmbeddedDriverDirectory.newDirectory());

        assertEquals(EmbeddedDriverDirectory.parent().getAbsoluteFile(), directory.getParentFile());
        assertTrue(directory.getName().startsWith(
            EmbeddedDriverDirectory.PREFIX + ProcessHandle.current().pid() + "-"), directory.getName());
        assertFalse(directory.exists());
    }

    @Test
    void shouldDoNothingForAParentThatIsNotADirectory()
    {
        assertEquals(0, EmbeddedDriverDirectory.removeStale(parent.resolve("missing").toFile()));
    }

    private static long deadPid()
    {
        long pid = 4_000_000;
        while (ProcessHandle.of(pid).isPresent())
        {
            pid++;
        }
        return pid;
    }
}
