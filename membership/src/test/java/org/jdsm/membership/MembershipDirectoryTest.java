package org.jdsm.membership;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembershipDirectoryTest
{
    @TempDir
    Path parent;

    @Test
    void shouldRemoveOnlyDirectoriesOfDeadProcesses() throws Exception
    {
        final Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        final File dead = parent.resolve(MembershipDirectory.PREFIX + "2-" + finished.pid() + "-123").toFile();
        final File live = parent.resolve(MembershipDirectory.PREFIX + "2-" + ProcessHandle.current().pid() + "-9")
            .toFile();
        final File unrelated = parent.resolve("jdsm-aeron-" + finished.pid() + "-ab").toFile();
        assertTrue(new File(dead, "driver").mkdirs() && live.mkdirs() && unrelated.mkdirs());

        assertEquals(1, MembershipDirectory.removeDead(parent.toFile()));

        assertFalse(dead.exists());
        assertTrue(live.exists());
        assertTrue(unrelated.exists());
    }

    @Test
    void shouldNameNewDirectoryAfterNodeAndProcess()
    {
        final File dir = MembershipDirectory.newDirectory(4);

        assertTrue(dir.getName().startsWith(MembershipDirectory.PREFIX + "4-" + ProcessHandle.current().pid() + "-"),
            dir.getName());
        assertEquals(MembershipDirectory.parent(), dir.getParentFile());
    }
}
