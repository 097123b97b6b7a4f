package org.jdsm.apps;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.jdsm.ConfigurationException;
import org.jdsm.DriverLostException;
import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.NodeUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jdsm node --config cluster.json --node-id N [--class-path CP] [--main] [APP|CLASS [ARGS...]]}: run one node
 * of a cluster. Node 0 is the driver: it runs the bundled application {@code APP}, or with {@code --main} the
 * {@code main} of the program's class {@code CLASS}, and its node's {@code close()} stops the others. The other
 * nodes serve (see {@link Dsm#serve(DsmConfig)}) with the same class path: they exit 0 once the driver closed the
 * cluster, 3 if they lose the driver before (it died, or its program ended without closing its node, or never
 * started one). The driver exits 0, 1 if the application or {@code main} threw, 2 for a configuration error.
 */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run one node of a cluster.")
final class NodeCommand implements Callable<Integer>
{
    /** Exit status of a serving node that lost the driver before it closed the cluster. */
    static final int DRIVER_LOST_STATUS = 3;

    @Option(names = "--config", required = true, description = "The cluster file (JSON).")
    private Path config;

    @Option(names = "--node-id", required = true, description = "This node's id in the cluster file.")
    private int nodeId;

    @Option(names = "--class-path", description = "The program's jar files and class directories, on every node.")
    private String classPath;

    @Option(names = "--main", description = "The first parameter is the program's main class, not an application.")
    private boolean isMain;

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    private boolean verbose;

    @Option(names = "--declared-dead-file", hidden = true,
        description = "On node 0: append a line for each node the cluster declared dead (see DeadNodeReport).")
    private Path declaredDeadFile;

    @Parameters(index = "0", arity = "0..1",
        description = "Application (see 'jdsm apps'), or with --main the main class, to run on node 0.")
    private String application;

    @Parameters(index = "1..*", description = "Arguments of the application or main class.")
    private List<String> arguments = new ArrayList<>();

    public Integer call() throws Exception
    {
        final ClusterFile cluster = ClusterFile.read(config);
        for (final Map.Entry<String, String> property : cluster.properties().entrySet())
        {
            if (null == System.getProperty(property.getKey()))
            {
                System.setProperty(property.getKey(), property.getValue());
            }
        }
        final DsmConfig dsmConfig = cluster.configFor(nodeId);

        ClassLoader loader = NodeCommand.class.getClassLoader();
        String shownClassPath = System.getProperty("java.class.path");
        if (null != classPath)
        {
            final List<Path> entries = ProgramClasses.entries(classPath);
            loader = ProgramClasses.loader(entries, loader);
            shownClassPath = ProgramClasses.join(entries);
        }
        // the node's task threads resolve task classes with the loader of the thread that starts it
        Thread.currentThread().setContextClassLoader(loader);

        Method main = null;
        Application<?> app = null;
        if (isMain)
        {
            if (null == application)
            {
                throw new ConfigurationException("--main needs the program's main class, e.g. --main com.example.Counter");
            }
            // every node checks: a node without the program's classes fails now, not at its first task
            main = ProgramClasses.mainMethod(application, loader, shownClassPath);
        }
        else if (null != application)
        {
            app = Applications.find(application);
            if (ApplicationOptions.isHelp(arguments))
            {
                System.out.print(ApplicationOptions.usage(app));
                return 0;
            }
            ApplicationOptions.parse(app, arguments, dsmConfig.nodeCount(), dsmConfig.replicas());
        }

        if (0 != nodeId)
        {
            return serve(dsmConfig);
        }
        if (null != main)
        {
            return runMain(main, dsmConfig);
        }
        if (null == app)
        {
            throw new ConfigurationException("node 0 is the driver: give it an application (see 'jdsm apps') or " +
                "--main and the program's main class");
        }

        return runApplication(app, dsmConfig);
    }

    private int serve(final DsmConfig dsmConfig)
    {
        try (DsmNode node = Dsm.start(dsmConfig))
        {
            System.out.println("node " + nodeId + "/" + node.nodeCount() + " joined over " + dsmConfig.transport());
            node.serve();
            System.out.println("node " + nodeId + " stopped by the driver");
            return 0;
        }
        catch (final NodeUnavailableException ex)
        {
            if (0 != ex.nodeId() && !(ex instanceof DriverLostException))
            {
                throw ex;
            }
            // the driver died, left before closing its node, or never joined (its main failed before Dsm.start)
            System.out.println("node " + nodeId + " lost the driver: " + ex.getMessage());
            return DRIVER_LOST_STATUS;
        }
    }

    private int runApplication(final Application<?> app, final DsmConfig dsmConfig)
    {
        final DeadNodeReport deadNodes = new DeadNodeReport(declaredDeadFile, dsmConfig.nodeCount());
        try (DsmNode node = Dsm.start(dsmConfig))
        {
            System.out.println("node " + nodeId + "/" + node.nodeCount() + " joined over " + dsmConfig.transport());
            final AgentRunner watch = deadNodes.watch(node);
            deadNodes.applicationRunning(true);
            try
            {
                return app.run(node, arguments, System.out);
            }
            catch (final Exception ex)
            {
                deadNodes.failure(ex);
                System.out.println(app.name() + " failed: " + ex);
                ex.printStackTrace(System.out);
                return 1;
            }
            finally
            {
                deadNodes.applicationRunning(false);
                CloseHelper.close(watch); // before close: the serving nodes leave after it, they are not dead
            }
        }
    }

    private int runMain(final Method main, final DsmConfig dsmConfig)
    {
        DriverProperties.set(dsmConfig);
        try
        {
            main.invoke(null, (Object)arguments.toArray(new String[0]));
            return 0;
        }
        catch (final InvocationTargetException ex)
        {
            final Throwable failure = ex.getCause();
            new DeadNodeReport(declaredDeadFile, dsmConfig.nodeCount()).failure(failure);
            final PrintStream err = System.err;
            if (failure instanceof ConfigurationException)
            {
                // a setting the program or the cluster file got wrong: one line naming it, as for the launcher's own
                err.println("jdsm: " + failure.getMessage());
                if (verbose)
                {
                    failure.printStackTrace(err);
                }
                return 2;
            }
            err.println("jdsm: main of " + main.getDeclaringClass().getName() + " failed: " + failure);
            failure.printStackTrace(err);
            return 1;
        }
        catch (final IllegalAccessException ex)
        {
            throw new ConfigurationException("main of " + main.getDeclaringClass().getName() + " is not accessible: " +
                "make its class public");
        }
    }
}
