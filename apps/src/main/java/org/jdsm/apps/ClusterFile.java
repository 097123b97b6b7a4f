package org.jdsm.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agrona.SystemUtil;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster described in a JSON file: the settings every node shares and each node's endpoint.
 * <pre>
 * {
 *   "transport": "aeron",
 *   "clusterSecret": "at-least-8-characters",
 *   "heapSize": "64m", "cacheSize": "16m", "maxObjectSize": "16m",
 *   "workerThreads": 2, "operationTimeout": "10s", "heartbeatInterval": "100ms", "peerTimeout": "5s",
 *   "nodes": [ { "id": 0, "host": "127.0.0.1", "port": 40100 }, { "id": 1, "host": "127.0.0.1", "port": 40101 } ],
 *   "properties": { "jdsm.aeron.mtu": "65504" }
 * }
 * </pre>
 * Only {@code nodes} is required; {@code properties} are set as system properties of each node's JVM, for the
 * transport's own settings.
 * <p>
 * <b>Note:</b> immutable once read.
 */
public final class ClusterFile
{
    private static final List<String> KNOWN_FIELDS = List.of(
        "transport", "clusterSecret", "heapSize", "cacheSize", "maxObjectSize", "workerThreads", "operationTimeout",
        "heartbeatInterval", "peerTimeout", "nodes", "properties");

    private final ObjectNode root;
    private final List<String> endpoints;
    private final Map<String, String> properties;

    private ClusterFile(final ObjectNode root, final String source)
    {
        this.root = root;
        final Iterator<String> names = root.fieldNames();
        while (names.hasNext())
        {
            final String name = names.next();
            if (!KNOWN_FIELDS.contains(name))
            {
                throw new ConfigurationException(source + ": unknown field \"" + name + "\"; known: " + KNOWN_FIELDS);
            }
        }

        final JsonNode nodes = root.get("nodes");
        if (!(nodes instanceof ArrayNode) || nodes.isEmpty())
        {
            throw new ConfigurationException(source + ": \"nodes\" must be a non-empty array of {id, host, port}");
        }
        final String[] byId = new String[nodes.size()];
        for (final JsonNode member : nodes)
        {
            final int id = member.path("id").asInt(-1);
            if (id < 0 || id >= byId.length || null != byId[id])
            {
                throw new ConfigurationException(source + ": node ids must be 0.." + (byId.length - 1) +
                    ", each once; got " + member.get("id"));
            }
            final String host = member.path("host").asText("");
            final int port = member.path("port").asInt(-1);
            if (host.isEmpty())
            {
                throw new ConfigurationException(source + ": node " + id + " has no \"host\"");
            }
            byId[id] = host + ":" + port;
        }
        this.endpoints = List.of(byId);

        this.properties = new LinkedHashMap<>();
        final JsonNode props = root.get("properties");
        if (null != props)
        {
            if (!props.isObject())
            {
                throw new ConfigurationException(source + ": \"properties\" must be an object of strings");
            }
            props.fields().forEachRemaining((field) -> properties.put(field.getKey(), field.getValue().asText()));
        }
    }

    /**
     * Read a cluster file.
     *
     * @param path of the file.
     * @return the cluster it describes.
     * @throws ConfigurationException naming the file and what is wrong in it.
     */
    public static ClusterFile read(final Path path)
    {
        final JsonNode root;
        try
        {
            root = new ObjectMapper().readTree(Files.readString(path));
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException(path + ": can not be read as JSON: " + ex.getMessage());
        }
        if (!(root instanceof ObjectNode))
        {
            throw new ConfigurationException(path + ": must hold a JSON object");
        }

        return new ClusterFile((ObjectNode)root, path.toString());
    }

    /**
     * Write a cluster of nodes on one host to a file.
     *
     * @param path      to write.
     * @param transport name of the transport.
     * @param host      of every node.
     * @param ports     one per node.
     * @param secret    cluster secret.
     * @throws IOException if the file can not be written.
     */
    public static void write(
        final Path path, final String transport, final String host, final int[] ports, final String secret)
        throws IOException
    {
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode root = mapper.createObjectNode();
        root.put("transport", transport);
        root.put("clusterSecret", secret);
        final ArrayNode nodes = root.putArray("nodes");
        for (int i = 0; i < ports.length; i++)
        {
            nodes.addObject().put("id", i).put("host", host).put("port", ports[i]);
        }
        Files.writeString(path, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /**
     * Number of nodes.
     *
     * @return the node count.
     */
    public int nodeCount()
    {
        return endpoints.size();
    }

    /**
     * System properties the file sets for the transport.
     *
     * @return name to value.
     */
    public Map<String, String> properties()
    {
        return properties;
    }

    /**
     * The configuration of one node, not yet concluded.
     *
     * @param nodeId of the node.
     * @return its configuration.
     */
    public DsmConfig configFor(final int nodeId)
    {
        if (nodeId < 0 || nodeId >= endpoints.size())
        {
            throw new ConfigurationException("node id " + nodeId + " is not in the cluster file, which has nodes 0.." +
                (endpoints.size() - 1));
        }

        final DsmConfig config = new DsmConfig()
            .nodeId(nodeId)
            .nodeCount(endpoints.size())
            .members(new ArrayList<>(endpoints));
        if (root.has("transport"))
        {
            config.transport(root.get("transport").asText());
        }
        if (root.has("clusterSecret"))
        {
            config.clusterSecret(root.get("clusterSecret").asText());
        }
        if (root.has("heapSize"))
        {
            config.heapSize(SystemUtil.parseSize("heapSize", root.get("heapSize").asText()));
        }
        if (root.has("cacheSize"))
        {
            config.cacheSize(SystemUtil.parseSize("cacheSize", root.get("cacheSize").asText()));
        }
        if (root.has("maxObjectSize"))
        {
            config.maxObjectSize((int)SystemUtil.parseSize("maxObjectSize", root.get("maxObjectSize").asText()));
        }
        if (root.has("workerThreads"))
        {
            config.workerThreads(root.get("workerThreads").asInt());
        }
        if (root.has("operationTimeout"))
        {
            config.operationTimeoutNs(
                SystemUtil.parseDuration("operationTimeout", root.get("operationTimeout").asText()));
        }
        if (root.has("heartbeatInterval"))
        {
            config.heartbeatIntervalNs(
                SystemUtil.parseDuration("heartbeatInterval", root.get("heartbeatInterval").asText()));
        }
        if (root.has("peerTimeout"))
        {
            config.peerTimeoutNs(SystemUtil.parseDuration("peerTimeout", root.get("peerTimeout").asText()));
        }

        return config;
    }
}
