package org.jdsm.apps;

import org.jdsm.NodeUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file through which the driver tells the launcher which nodes the cluster declared dead: each node once, the
 * node a failure names, never the driver or an id outside the cluster, and a line not yet ended is not read.
 */
class DeadNodeReportTest
{
    @Test
    void shouldReportEachNodeOnceAndTheNodeAFailureNames(@TempDir final Path directory) throws Exception
    {
        final Path file = directory.resolve("declared-dead");
        final DeadNodeReport report = new DeadNodeReport(file, 4);
        assertTrue(DeadNodeReport.read(file).isEmpty(), "no file yet");

        report.report(2, "unavailable to node 0, the driver");
        report.report(2, "again");
        report.report(0, "the driver itself");
        report.report(4, "not in the cluster");
        report.failure(new RuntimeException("kv failed", new ExecutionException(
            new NodeUnavailableException(3, "silent\nfor 5018 ms"))));
        report.failure(new IllegalStateException("no node named"));

        final List<String[]> nodes = DeadNodeReport.read(file);
        assertEquals(2, nodes.size());
        assertArrayEquals(new String[]{ "2", "unavailable to node 0, the driver" }, nodes.get(0));
        assertArrayEquals(new String[]{ "3", "node 3 unavailable: silent for 5018 ms" }, nodes.get(1));
    }

    @Test
    void shouldNotReadALineNotYetEnded(@TempDir final Path directory) throws Exception
    {
        final Path file = directory.resolve("declared-dead");
        Files.writeString(file, "1 silent\n2 sil", StandardCharsets.UTF_8);
        assertEquals(1, DeadNodeReport.read(file).size());
        Files.writeString(file, "ent\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertArrayEquals(new String[]{ "2", "silent" }, DeadNodeReport.read(file).get(1));
    }

    @Test
    void shouldReportNothingWithoutAFile()
    {
        final DeadNodeReport report = new DeadNodeReport(null, 3);
        report.report(1, "unavailable");
        assertNull(report.watch(null));
    }
}
