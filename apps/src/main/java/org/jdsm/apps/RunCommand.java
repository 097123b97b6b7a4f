package org.jdsm.apps;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jdsm run --nodes N --class-path CP MAIN [ARGS...]}: run a program's {@code main} across a cluster of N
 * JVMs on loopback. Every node has the program's classes on its class path; node 0 runs {@code main} (the
 * driver), the others serve it until its node closes. Each node's output is printed with its {@code [node i]}
 * prefix, then a summary table. The main class is checked before any JVM is forked.
 * <p>
 * Exit status: the driver's (0 when {@code main} returned, 1 when it threw), or 1 if the driver succeeded and a
 * serving node failed (a server exits 3 when it lost the driver before the driver closed its node); 2 for a usage
 * or configuration error.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run a program's main across a cluster of N JVMs on loopback.")
final class RunCommand implements Callable<Integer>
{
    @Option(names = "--nodes", defaultValue = "1", description = "Number of nodes (default: ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--class-path", required = true,
        description = "The program's jar files and class directories, separated by the path separator.")
    private String classPath;

    @Mixin
    private LoopbackOptions loopback;

    @Parameters(index = "0", description = "The program's main class, e.g. com.example.Counter.")
    private String mainClass;

    @Parameters(index = "1..*", description = "Arguments of main.")
    private List<String> arguments = new ArrayList<>();

    public Integer call() throws Exception
    {
        loopback.check(nodes);
        final List<Path> entries = ProgramClasses.entries(classPath);
        final String programClassPath = ProgramClasses.join(entries);
        try (java.net.URLClassLoader loader = ProgramClasses.loader(entries, RunCommand.class.getClassLoader()))
        {
            ProgramClasses.mainMethod(mainClass, loader, programClassPath);
        }
        final String nodeClassPath = System.getProperty("java.class.path") + java.io.File.pathSeparator +
            programClassPath;
        final int[] status = loopback.run("run", nodes, System.out, (jvmOptions) -> (clusterFile, nodeId) ->
        {
            final List<String> command = LoopbackOptions.nodeCommand(jvmOptions, nodeClassPath, clusterFile, nodeId);
            if (loopback.verbose)
            {
                command.add("--verbose");
            }
            command.add("--main");
            command.add(mainClass);
            command.addAll(arguments);
            return command;
        });

        if (0 != status[0])
        {
            return status[0] > 0 ? status[0] : 1;
        }
        for (final int nodeStatus : status)
        {
            if (0 != nodeStatus && LoopbackCluster.KILLED_BY_APPLICATION_STATUS != nodeStatus)
            {
                return 1;
            }
        }

        return 0;
    }
}
