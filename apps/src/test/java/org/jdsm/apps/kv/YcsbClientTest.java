package org.jdsm.apps.kv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standard YCSB client ({@code site.ycsb.Client}, unmodified, in its own JVM) runs a workload file against
 * jdsm through {@link JdsmYcsbClient}, loading the records itself with {@code jdsm.kv.preload}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class YcsbClientTest
{
    @Test
    void shouldRunStandardClientOnWorkloadFileWithZeroErrors(@TempDir final Path dir) throws Exception
    {
        final Path workload = dir.resolve("workloada");
        final Properties props = KvWorkloads.properties("a", 500, 2000);
        props.setProperty("fieldcount", "4");
        props.setProperty("fieldlength", "50");
        try (OutputStream out = Files.newOutputStream(workload))
        {
            props.store(out, "YCSB workload A: 50% read, 50% update, zipfian");
        }

        final Path log = dir.resolve("ycsb.log");
        final Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            "site.ycsb.Client", "-t", "-db", JdsmYcsbClient.class.getName(), "-P", workload.toString(),
            "-p", "jdsm.kv.preload=true", "-p", "jdsm.kv.buckets=128", "-threads", "2")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        final boolean exited = process.waitFor(100, TimeUnit.SECONDS);
        if (!exited)
        {
            process.destroyForcibly();
        }
        final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        final String output = String.join("\n", lines);

        assertTrue(exited, output);
        assertEquals(0, process.exitValue(), output);
        final long reads = count(lines, "[READ], Return=OK, ");
        final long updates = count(lines, "[UPDATE], Return=OK, ");
        assertEquals(2000, reads + updates, output);
        assertTrue(reads > 0 && updates > 0, output);
        assertFalse(output.contains("Return=ERROR") || output.contains("Return=NOT_FOUND"), output);
    }

    private static long count(final List<String> lines, final String prefix)
    {
        return lines.stream().filter((line) -> line.startsWith(prefix))
            .mapToLong((line) -> Long.parseLong(line.substring(prefix.length()).trim())).sum();
    }
}
