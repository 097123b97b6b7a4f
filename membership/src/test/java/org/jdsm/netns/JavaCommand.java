package org.jdsm.netns;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs a class of this test class path in a new JVM (e.g. inside a namespace).
 */
public final class JavaCommand
{
    private JavaCommand()
    {
    }

    /**
     * @param mainClass to run.
     * @param maxHeap   e.g. {@code 128m}.
     * @param args      its arguments.
     * @return {@code java -Xmx.. --add-exports .. -cp <this class path> mainClass args...}.
     */
    public static List<String> of(final Class<?> mainClass, final String maxHeap, final String... args)
    {
        return of(mainClass, maxHeap, List.of(), args);
    }

    /**
     * @param mainClass     to run.
     * @param maxHeap       e.g. {@code 128m}.
     * @param jvmProperties e.g. {@code -Daeron.driver.timeout=30000}, put before the main class.
     * @param args          its arguments.
     * @return {@code java -Xmx.. --add-exports .. <jvmProperties> -cp <this class path> mainClass args...}.
     */
    public static List<String> of(
        final Class<?> mainClass, final String maxHeap, final List<String> jvmProperties, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx" + maxHeap);
        command.addAll(jvmProperties);
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }
}
