package org.jdsm.apps;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code jdsm apps}: list the applications the launcher can run.
 */
@Command(name = "apps", mixinStandardHelpOptions = true, description = "List the applications.")
final class AppsCommand implements Callable<Integer>
{
    public Integer call()
    {
        for (final Application<?> application : Applications.all())
        {
            System.out.printf("%-12s %s%n", application.name(), application.description());
        }

        return 0;
    }
}
