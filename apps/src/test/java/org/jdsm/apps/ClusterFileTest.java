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
            " \"heapSize\": \"32m\", \"cacheSize\": \"8m\", \"maxObjectSize\": \"1m\", \"workerThreads\": 3, \"replicas\": 1," +
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
        assertEquals(1, config.replicas());
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
            "maxObjectSize, workerThreads, replicas, operationTimeout, heartbeatInterval, peerTimeout, nodes, properties, " +
            "insecure]",
            assertThrows(ConfigurationException.class, () -> ClusterFile.read(typo)).getMessage());

        final Path duplicate = file("{\"nodes\": [{\"id\": 0, \"host\": \"h\", \"port\": 1}, {\"id\": 0, \"host\": \"h\", \"port\": 2}]}");
        assertEquals(duplicate + ": node ids must be 0..1, each once; got 0",
            assertThrows(ConfigurationException.class, () -> ClusterFile.read(duplicate)).getMessage());

        final Path notJson = file("nodes: 3");
        assertEquals(true, assertThrows(ConfigurationException.class, () -> ClusterFile.read(notJson)).getMessage()
            .startsWith(notJson + ": "));

        final Path badPort = file("{\"nodes\": [{\"id\": 0, \"host\": \"h\", \"port\": 0}]}");
        assertEquals(badPort + ": node 0: port must be an integer in [1, 65535], got 0",
            assertThrows(ConfigurationException.class, () -> ClusterFile.read(badPort)).getMessage());
        final ClusterFile oneNode = ClusterFile.read(file("{" + NODE + "}"));
        assertEquals("node id 4 is not in the cluster file, which has nodes 0..0",
            assertThrows(ConfigurationException.class, () -> oneNode.configFor(4)).getMessage());
    }

    private String rejection(final String json) throws Exception
    {
        final Path path = file(json);
        final String message = assertThrows(ConfigurationException.class, () -> ClusterFile.read(path)).getMessage();
        assertEquals(true, message.startsWith(path + ": "), message);
        return message.substring(path.toString().length() + 2);
    }

    private static final String NODE = "\"insecure\": true, \"nodes\": [{\"id\": 0, \"host\": \"h\", \"port\": 1}]";

    @Test
    void shouldNameEachBadValueWithItsFieldAndNode() throws Exception
    {
        assertEquals("maxObjectSize must be at most 1073741824, got 4294967360",
            rejection("{\"maxObjectSize\": 4294967360, " + NODE + "}"));
        assertEquals("maxObjectSize must be at most 1073741824, got \"4g\"",
            rejection("{\"maxObjectSize\": \"4g\", " + NODE + "}"));
        assertEquals("workerThreads must be an integer, got \"many\"",
            rejection("{\"workerThreads\": \"many\", " + NODE + "}"));
        assertEquals("workerThreads must be an integer, got 2.5", rejection("{\"workerThreads\": 2.5, " + NODE + "}"));
        assertEquals("heapSize must be a size: bytes, or a string with a unit k, m or g such as \"64m\", got \"-128m\"",
            rejection("{\"heapSize\": \"-128m\", " + NODE + "}"));
        assertEquals("cacheSize must be a size: bytes, or a string with a unit k, m or g such as \"64m\", got \"abc\"",
            rejection("{\"cacheSize\": \"abc\", " + NODE + "}"));
        assertEquals("operationTimeout must be a duration: a string with a unit ns, us, ms or s such as \"10s\", " +
            "got \"-1\"", rejection("{\"operationTimeout\": \"-1\", " + NODE + "}"));
        assertEquals("peerTimeout must be a duration: a string with a unit ns, us, ms or s such as \"10s\", got -5",
            rejection("{\"peerTimeout\": -5, " + NODE + "}"));
        assertEquals("heartbeatInterval must be a duration: a string with a unit ns, us, ms or s such as \"10s\", " +
            "got \"fast\"", rejection("{\"heartbeatInterval\": \"fast\", " + NODE + "}"));
        assertEquals("transport must be a string, got 7", rejection("{\"transport\": 7, " + NODE + "}"));

        assertEquals("node 0: port must be an integer in [1, 65535], got \"21200x\"",
            rejection("{\"nodes\": [{\"id\": 0, \"host\": \"h\", \"port\": \"21200x\"}]}"));
        assertEquals("node 1: port must be an integer in [1, 65535], got 70000", rejection("{\"nodes\": [" +
            "{\"id\": 0, \"host\": \"h\", \"port\": 1}, {\"id\": 1, \"host\": \"h\", \"port\": 70000}]}"));
        assertEquals("node 0 has no \"port\"", rejection("{\"nodes\": [{\"id\": 0, \"host\": \"h\"}]}"));
        assertEquals("node 0 has no \"host\"", rejection("{\"nodes\": [{\"id\": 0, \"port\": 1}]}"));
        assertEquals("node 0: unknown field \"prot\"; known: [id, host, port]",
            rejection("{\"nodes\": [{\"id\": 0, \"host\": \"h\", \"prot\": 1}]}"));
        assertEquals("nodes[0]: unknown field \"ip\"; known: [id, host, port]",
            rejection("{\"nodes\": [{\"host\": \"h\", \"ip\": \"1.2.3.4\", \"port\": 1}]}"));
        assertEquals("node ids must be 0..0, each once; got \"0\"",
            rejection("{\"nodes\": [{\"id\": \"0\", \"host\": \"h\", \"port\": 1}]}"));
        assertEquals("properties: jdsm.aeron.mtu must be a string, got {\"v\":1}",
            rejection("{\"properties\": {\"jdsm.aeron.mtu\": {\"v\": 1}}, " + NODE + "}"));
    }

    @Test
    void shouldReadSizesAsBytesOrWithUnit() throws Exception
    {
        final DsmConfig config = ClusterFile.read(file("{\"heapSize\": 1048576, \"cacheSize\": \"512k\", " +
            "\"maxObjectSize\": 1024, \"operationTimeout\": 2000000000, " + NODE + "}")).configFor(0).conclude();
        assertEquals(1L << 20, config.heapSize());
        assertEquals(512L << 10, config.cacheSize());
        assertEquals(1024, config.maxObjectSize());
        assertEquals(2_000_000_000L, config.operationTimeoutNs());
    }

    @Test
    void shouldRequireSecretOrExplicitInsecure() throws Exception
    {
        final String nodes = "\"nodes\": [{\"id\": 0, \"host\": \"127.0.0.1\", \"port\": 40100}]";
        assertEquals("has no clusterSecret, so any process that can reach the nodes' ports could join the " +
            "cluster: set \"clusterSecret\" (at least 8 characters), or \"insecure\": true to run without one",
            rejection("{" + nodes + "}"));
        assertEquals("has no clusterSecret, so any process that can reach the nodes' ports could join the " +
            "cluster: set \"clusterSecret\" (at least 8 characters), or \"insecure\": true to run without one",
            rejection("{\"insecure\": false, " + nodes + "}"));
        assertEquals("insecure must be true or false, got \"yes\"",
            rejection("{\"insecure\": \"yes\", " + nodes + "}"));
        assertEquals("\"insecure\": true contradicts its clusterSecret: remove one of them",
            rejection("{\"insecure\": true, \"clusterSecret\": \"0123456789\", " + nodes + "}"));

        assertEquals(null, ClusterFile.read(file("{\"insecure\": true, " + nodes + "}")).configFor(0).conclude()
            .clusterSecret());
        assertEquals("0123456789", ClusterFile.read(file("{\"clusterSecret\": \"0123456789\", " + nodes + "}"))
            .configFor(0).conclude().clusterSecret());
    }

    @Test
    void shouldSayWhenFileDoesNotExist()
    {
        final Path missing = directory.resolve("nonexistent.json");
        assertEquals(missing + ": no such file",
            assertThrows(ConfigurationException.class, () -> ClusterFile.read(missing)).getMessage());
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
