package org.jdsm.apps;

import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClusterFileTest
{
    @TempDir
    Path directory;

    private Path file(final String json) throws Exception
    {
        final Path path = directory.resolve("cluster.json");
        Files.writeString(path, json);
        return path;
    }

    @Test
    void shouldBuildEachNodesConfigFromFile() throws Exception
    {
        final ClusterFile cluster = ClusterFile.read(file("{\"transport\": \"aeron\", \"clusterSecret\": \"s3cret-s3cret\"," +
            " \"heapSize\": \"32m\", \"cacheSize\": \"8m\", \"maxObjectSize\": \"1m\", \"workerThreads\": 3," +
            " \"operationTimeout\": \"5s\", \"heartbeatInterval\": \"50ms\", \"peerTimeout\": \"2s\"," +
            " \"nodes\": [{\"id\": 1, \"host\": \"10.0.0.2\", \"port\": 4001}, {\"id\": 0, \"host\": \"10.0.0.1\", \"port\": 4000}]," +
            " \"properties\": {\"jdsm.aeron.mtu\": \"65504\"}}"));

        assertEquals(2, cluster.nodeCount());
        assertEquals(Map.of("jdsm.aeron.mtu", "65504"), cluster.properties());
        final DsmConfig config = cluster.configFor(1).conclude();
        assertEquals(1, config.nodeId());
        assertEquals(2, config.nodeCount());
        assertEquals("aeron", config.transport());
        assertEquals("s3cret-s3cret", config.clusterSecret());
        assertEquals(32L << 20, config.heapSize());
        assertEquals(8L << 20, config.cacheSize());
        assertEquals(1 << 20, config.maxObjectSize());
        assertEquals(3, config.workerThreads());
        assertEquals(5_000_000_000L, config.operationTimeoutNs());
        assertEquals(50_000_000L, config.heartbeatIntervalNs());
        assertEquals(2_000_000_000L, config.peerTimeoutNs());
        assertEquals(List.of("10.0.0.1:4000", "10.0.0.2:4001"), config.members());
    }

    @Test
    void shouldNameWhatIsWrongInFile() throws Exception
    {
        final Path noNodes = file("{\"transport\": \"aeron\"}");
        assertEquals(noNodes + ": \"nodes\" must be a non-empty array of {id, host, port}",
            assertThrows(ConfigurationException.class, () -> ClusterFile.read(noNodes)).getMessage());

        final Path typo = file("{\"transprot\": \"aeron\", \"nodes\": [{\"id\": 0, \"host\": \"h\", \"port\": 1}]}");
        assertEquals(typo + ": unknown field \"transprot\"; known: [transport, clusterSecret, heapSize, cacheSize, " +
            "maxObjectSize, workerThreads, operationTimeout, heartbeatInterval, peerTimeout, nodes, properties]",
            assertThrows(ConfigurationException.class, () -> ClusterFile.read(typo)).getMessage());

        final Path duplicate = file("{\"nodes\": [{\"id\": 0, \"host\": \"h\", \"port\": 1}, {\"id\": 0, \"host\": \"h\", \"port\": 2}]}");
        assertEquals(duplicate + ": node ids must be 0..1, each once; got 0",
            assertThrows(ConfigurationException.class, () -> ClusterFile.read(duplicate)).getMessage());

        final Path notJson = file("nodes: 3");
        assertEquals(true, assertThrows(ConfigurationException.class, () -> ClusterFile.read(notJson)).getMessage()
            .startsWith(notJson + ": "));

        final ClusterFile badPort = ClusterFile.read(file("{\"nodes\": [{\"id\": 0, \"host\": \"h\", \"port\": 0}]}"));
        assertEquals("members[0]=h:0 has port 0 outside [1, 65535]",
            assertThrows(ConfigurationException.class, () -> badPort.configFor(0).conclude()).getMessage());
        assertEquals("node id 4 is not in the cluster file, which has nodes 0..0",
            assertThrows(ConfigurationException.class, () -> badPort.configFor(4)).getMessage());
    }

    @Test
    void shouldWriteFileThatReadsBack() throws Exception
    {
        final Path path = directory.resolve("written.json");
        ClusterFile.write(path, "aeron", "127.0.0.1", new int[] { 40100, 40101, 40102 }, "0123456789abcdef");
        final ClusterFile cluster = ClusterFile.read(path);
        assertEquals(3, cluster.nodeCount());
        assertEquals(List.of("127.0.0.1:40100", "127.0.0.1:40101", "127.0.0.1:40102"),
            cluster.configFor(2).conclude().members());
    }
}
