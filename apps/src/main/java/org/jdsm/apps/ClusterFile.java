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
import java.nio.file.NoSuchFileException;
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
 *   "workerThreads": 2, "replicas": 1, "operationTimeout": "10s", "heartbeatInterval": "100ms", "peerTimeout": "5s",
 *   "nodes": [ { "id": 0, "host": "127.0.0.1", "port": 40100 }, { "id": 1, "host": "127.0.0.1", "port": 40101 } ],
 *   "properties": { "jdsm.aeron.mtu": "65504" }
 * }
 * </pre>
 * Only {@code nodes} and {@code clusterSecret} are required: a file without a secret must say
 * {@code "insecure": true}, so that no cluster runs open to any process that can reach its ports by omission.
 * {@code properties} are set as system properties of each node's JVM, for the transport's own settings. Sizes
 * are JSON integers of bytes or strings with a unit {@code k}, {@code m} or {@code g}; durations are strings with
 * a unit {@code ns}, {@code us}, {@code ms} or {@code s} (or integers of nanoseconds). Every value is checked
 * when the file is read: a wrong one fails {@link #read(Path)} with a {@link ConfigurationException} naming the
 * file, the node entry if any, the field and the value found.
 * <p>
 * <b>Note:</b> immutable once read.
 */
public final class ClusterFile
{
    private static final List<String> KNOWN_FIELDS = List.of(
        "transport", "clusterSecret", "heapSize", "cacheSize", "maxObjectSize", "workerThreads", "replicas",
        "operationTimeout", "heartbeatInterval", "peerTimeout", "nodes", "properties", "insecure");
    private static final List<String> KNOWN_NODE_FIELDS = List.of("id", "host", "port");

    private final String source;
    private final List<String> endpoints;
    private final Map<String, String> properties;
    private final String transport;
    private final String clusterSecret;
    private final Long heapSize;
    private final Long cacheSize;
    private final Long maxObjectSize;
    private final Integer workerThreads;
    private final Integer replicas;
    private final Long operationTimeoutNs;
    private final Long heartbeatIntervalNs;
    private final Long peerTimeoutNs;

    private ClusterFile(final ObjectNode root, final String source)
    {
        this.source = source;
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
        for (int index = 0; index < nodes.size(); index++)
        {
            final JsonNode member = nodes.get(index);
            final JsonNode idNode = member.path("id");
            final String entry = idNode.isInt() ? "node " + idNode.intValue() : "nodes[" + index + "]";
            if (!member.isObject())
            {
                throw new ConfigurationException(source + ": " + entry + " must be an object {id, host, port}, got " +
                    member);
            }
            final Iterator<String> memberFields = member.fieldNames();
            while (memberFields.hasNext())
            {
                final String name = memberFields.next();
                if (!KNOWN_NODE_FIELDS.contains(name))
                {
                    throw new ConfigurationException(source + ": " + entry + ": unknown field \"" + name +
                        "\"; known: " + KNOWN_NODE_FIELDS);
                }
            }
            final int id = idNode.isInt() ? idNode.intValue() : -1;
            if (id < 0 || id >= byId.length || null != byId[id])
            {
                throw new ConfigurationException(source + ": node ids must be 0.." + (byId.length - 1) +
                    ", each once; got " + member.get("id"));
            }
            final JsonNode hostNode = member.get("host");
            if (null == hostNode || hostNode.isNull() || (hostNode.isTextual() && hostNode.textValue().isEmpty()))
            {
                throw new ConfigurationException(source + ": " + entry + " has no \"host\"");
            }
            if (!hostNode.isTextual())
            {
                throw new ConfigurationException(source + ": " + entry + ": host must be a string, got " + hostNode);
            }
            final JsonNode portNode = member.get("port");
            if (null == portNode || portNode.isNull())
            {
                throw new ConfigurationException(source + ": " + entry + " has no \"port\"");
            }
            if (!portNode.isInt() || portNode.intValue() < 1 || portNode.intValue() > 65535)
            {
                throw new ConfigurationException(
                    source + ": " + entry + ": port must be an integer in [1, 65535], got " + portNode);
            }
            byId[id] = hostNode.textValue() + ":" + portNode.intValue();
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
            props.fields().forEachRemaining((field) ->
            {
                if (!field.getValue().isValueNode() || field.getValue().isNull())
                {
                    throw new ConfigurationException(source + ": properties: " + field.getKey() +
                        " must be a string, got " + field.getValue());
                }
                properties.put(field.getKey(), field.getValue().asText());
            });
        }

        this.transport = text(root, "transport");
        this.clusterSecret = text(root, "clusterSecret");
        this.heapSize = size(root, "heapSize", Long.MAX_VALUE);
        this.cacheSize = size(root, "cacheSize", Long.MAX_VALUE);
        this.maxObjectSize = size(root, "maxObjectSize", DsmConfig.MAX_OBJECT_SIZE_LIMIT);
        this.workerThreads = integer(root, "workerThreads");
        this.replicas = integer(root, "replicas");
        this.operationTimeoutNs = duration(root, "operationTimeout");
        this.heartbeatIntervalNs = duration(root, "heartbeatInterval");
        this.peerTimeoutNs = duration(root, "peerTimeout");

        final JsonNode insecure = root.get("insecure");
        if (null != insecure && !insecure.isBoolean())
        {
            throw new ConfigurationException(source + ": insecure must be true or false, got " + insecure);
        }
        final boolean isInsecure = null != insecure && insecure.booleanValue();
        if (null == clusterSecret && !isInsecure)
        {
            throw new ConfigurationException(source + ": has no clusterSecret, so any process that can reach the " +
                "nodes' ports could join the cluster: set \"clusterSecret\" (at least 8 characters), or " +
                "\"insecure\": true to run without one");
        }
        if (null != clusterSecret && isInsecure)
        {
            throw new ConfigurationException(source + ": \"insecure\": true contradicts its clusterSecret: " +
                "remove one of them");
        }
    }

    private String text(final ObjectNode root, final String field)
    {
        final JsonNode value = root.get(field);
        if (null == value)
        {
            return null;
        }
        if (!value.isTextual())
        {
            throw new ConfigurationException(source + ": " + field + " must be a string, got " + value);
        }

        return value.textValue();
    }

    private Integer integer(final ObjectNode root, final String field)
    {
        final JsonNode value = root.get(field);
        if (null == value)
        {
            return null;
        }
        if (!value.isInt())
        {
            throw new ConfigurationException(source + ": " + field + " must be an integer, got " + value);
        }

        return value.intValue();
    }

    /**
     * A size: a JSON integer of bytes, or a string of bytes with an optional unit k, m or g; at most max.
     */
    private Long size(final ObjectNode root, final String field, final long max)
    {
        final JsonNode value = root.get(field);
        if (null == value)
        {
            return null;
        }
        long size = -1;
        if (value.isIntegralNumber() && value.canConvertToLong())
        {
            size = value.longValue();
        }
        else if (value.isTextual() && !value.textValue().startsWith("-"))
        {
            try
            {
                size = SystemUtil.parseSize(field, value.textValue());
            }
            catch (final RuntimeException ex)
            {
                size = -1; // not a size: reported below
            }
        }
        if (size < 0)
        {
            throw new ConfigurationException(source + ": " + field + " must be a size: bytes, or a string with a " +
                "unit k, m or g such as \"64m\", got " + value);
        }
        if (size > max)
        {
            throw new ConfigurationException(source + ": " + field + " must be at most " + max + ", got " + value);
        }

        return size;
    }

    /**
     * A duration: a string with a unit ns, us, ms or s, or a JSON integer of nanoseconds.
     */
    private Long duration(final ObjectNode root, final String field)
    {
        final JsonNode value = root.get(field);
        if (null == value)
        {
            return null;
        }
        long duration = -1;
        if (value.isIntegralNumber() && value.canConvertToLong())
        {
            duration = value.longValue();
        }
        else if (value.isTextual() && !value.textValue().startsWith("-"))
        {
            try
            {
                duration = SystemUtil.parseDuration(field, value.textValue());
            }
            catch (final RuntimeException ex)
            {
                duration = -1; // not a duration: reported below
            }
        }
        if (duration < 0)
        {
            throw new ConfigurationException(source + ": " + field + " must be a duration: a string with a unit " +
                "ns, us, ms or s such as \"10s\", got " + value);
        }

        return duration;
    }

    /**
     * Read a cluster file.
     *
     * @param path of the file.
     * @return the cluster it describes.
     * @throws ConfigurationException naming the file and what is wrong in it: the field, and for a node's field the
     *                                node, with the value found.
     */
    public static ClusterFile read(final Path path)
    {
        final JsonNode root;
        try
        {
            root = new ObjectMapper().readTree(Files.readString(path));
        }
        catch (final NoSuchFileException ex)
        {
            throw new ConfigurationException(path + ": no such file");
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
        if (null != transport)
        {
            config.transport(transport);
        }
        if (null != clusterSecret)
        {
            config.clusterSecret(clusterSecret);
        }
        if (null != heapSize)
        {
            config.heapSize(heapSize);
        }
        if (null != cacheSize)
        {
            config.cacheSize(cacheSize);
        }
        if (null != maxObjectSize)
        {
            config.maxObjectSize(maxObjectSize.intValue());
        }
        if (null != workerThreads)
        {
            config.workerThreads(workerThreads);
        }
        if (null != replicas)
        {
            config.replicas(replicas);
        }
        if (null != operationTimeoutNs)
        {
            config.operationTimeoutNs(operationTimeoutNs);
        }
        if (null != heartbeatIntervalNs)
        {
            config.heartbeatIntervalNs(heartbeatIntervalNs);
        }
        if (null != peerTimeoutNs)
        {
            config.peerTimeoutNs(peerTimeoutNs);
        }

        return config;
    }
}
