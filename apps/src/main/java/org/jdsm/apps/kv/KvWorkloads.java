package org.jdsm.apps.kv;

import java.util.Locale;
import java.util.Properties;

/**
 * The YCSB core workloads A to F, as in YCSB's {@code workloads/workload[a-f]} files, and DRust's KV workload
 * (90% GET, 10% PUT, zipfian 0.99), as {@code CoreWorkload} properties. The zipfian constant is YCSB's 0.99.
 */
public final class KvWorkloads
{
    /** Names accepted by {@link #properties(String, long, long)}. */
    public static final String NAMES = "a|b|c|d|e|f|drust";

    private KvWorkloads()
    {
    }

    /**
     * The properties of a workload.
     *
     * @param name        of the workload, one of {@link #NAMES}.
     * @param recordCount records loaded before the run.
     * @param operations  operations in the run.
     * @return its properties, to which callers may add YCSB settings such as {@code fieldcount}.
     * @throws KvException naming an unknown workload.
     */
    public static Properties properties(final String name, final long recordCount, final long operations)
    {
        final Properties props = new Properties();
        props.setProperty("workload", "site.ycsb.workloads.CoreWorkload");
        props.setProperty("recordcount", Long.toString(recordCount));
        props.setProperty("operationcount", Long.toString(operations));
        props.setProperty("readallfields", "true");
        props.setProperty("requestdistribution", "zipfian");
        switch (name.toLowerCase(Locale.ROOT))
        {
            case "a":
                proportions(props, "0.5", "0.5", "0", "0", "0");
                break;
            case "b":
                proportions(props, "0.95", "0.05", "0", "0", "0");
                break;
            case "c":
                proportions(props, "1", "0", "0", "0", "0");
                break;
            case "d":
                proportions(props, "0.95", "0", "0.05", "0", "0");
                props.setProperty("requestdistribution", "latest");
                break;
            case "e":
                proportions(props, "0", "0", "0.05", "0.95", "0");
                props.setProperty("maxscanlength", "100");
                props.setProperty("scanlengthdistribution", "uniform");
                break;
            case "f":
                proportions(props, "0.5", "0", "0", "0", "0.5");
                break;
            case "drust":
                proportions(props, "0.9", "0.1", "0", "0", "0");
                break;
            default:
                throw new KvException("workload=" + name + " must be one of " + NAMES);
        }

        return props;
    }

    private static void proportions(
        final Properties props,
        final String read,
        final String update,
        final String insert,
        final String scan,
        final String readModifyWrite)
    {
        props.setProperty("readproportion", read);
        props.setProperty("updateproportion", update);
        props.setProperty("insertproportion", insert);
        props.setProperty("scanproportion", scan);
        props.setProperty("readmodifywriteproportion", readModifyWrite);
    }
}
