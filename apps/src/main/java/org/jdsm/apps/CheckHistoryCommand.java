package org.jdsm.apps;

import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.History;
import org.jdsm.linearizability.HistoryFormatException;
import org.jdsm.linearizability.JsonLinesHistory;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Model;
import org.jdsm.linearizability.Models;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code jdsm check-history FILE --model kv}: check a JSON-lines history (see {@link JsonLinesHistory}) for
 * linearizability and print the verdict, a verdict per key and, if it is not linearizable, a counter-example.
 * Exit status: 0 linearizable, 1 not linearizable, 2 bad input or usage, 3 undecided within the limits.
 * <p>
 * Options may come before or after the file: the launcher stops parsing at the first positional argument (an
 * application's own options follow it), so this command reads what follows the file itself.
 */
@Command(
    name = "check-history",
    mixinStandardHelpOptions = true,
    description = "Check a JSON-lines history for linearizability. Exit 0 linearizable, 1 not, 2 bad input, " +
        "3 undecided.")
final class CheckHistoryCommand implements Callable<Integer>
{
    /** Exit status of a linearizable history. */
    static final int LINEARIZABLE = 0;
    /** Exit status of a history that is not linearizable. */
    static final int NOT_LINEARIZABLE = 1;
    /** Exit status of bad input or usage. */
    static final int BAD_INPUT = 2;
    /** Exit status of a history the checker could not decide within its limits. */
    static final int UNKNOWN = 3;

    @Parameters(index = "0", paramLabel = "FILE", description = "History, one JSON event a line.")
    private Path file;

    @Parameters(index = "1..*", paramLabel = "OPTION", hidden = true,
        description = "Options after the file.")
    private List<String> trailing = new ArrayList<>();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private Settings settings = new Settings();

    /**
     * The options, a mixin so the same ones parse before and after the file.
     */
    static final class Settings
    {
        @Option(names = "--model", paramLabel = "MODEL",
            description = "Sequential model: " + Models.NAMES + " (default: ${DEFAULT-VALUE}).")
        String model = "kv";

        @Option(names = "--max-states", paramLabel = "N",
            description = "Configurations searched per key at most (default: ${DEFAULT-VALUE}).")
        long maxStates = LinearizabilityChecker.MAX_STATES_PER_KEY_DEFAULT;

        @Option(names = "--time-budget-ms", paramLabel = "MS",
            description = "Time the search may take, shrinking excluded (default: ${DEFAULT-VALUE}).")
        long timeBudgetMs = TimeUnit.NANOSECONDS.toMillis(LinearizabilityChecker.TIME_BUDGET_NS_DEFAULT);
    }

    public Integer call()
    {
        try
        {
            if (!trailing.isEmpty())
            {
                new CommandLine(settings).parseArgs(trailing.toArray(new String[0]));
            }
            final Model model = Models.byName(settings.model);
            final LinearizabilityChecker checker = new LinearizabilityChecker(model,
                new LinearizabilityChecker.Context()
                    .maxStatesPerKey(settings.maxStates)
                    .timeBudgetNs(TimeUnit.MILLISECONDS.toNanos(settings.timeBudgetMs)));
            final History history = JsonLinesHistory.read(file, model);
            final CheckResult result = checker.check(history);
            System.out.print(result.report());
            System.out.flush();
            switch (result.verdict())
            {
                case LINEARIZABLE:
                    return LINEARIZABLE;
                case NOT_LINEARIZABLE:
                    return NOT_LINEARIZABLE;
                default:
                    return UNKNOWN;
            }
        }
        catch (final NoSuchFileException ex)
        {
            return badInput(file + ": no such file");
        }
        catch (final IOException ex)
        {
            return badInput(file + ": " + ex);
        }
        catch (final HistoryFormatException ex)
        {
            return badInput(ex.getMessage());
        }
        catch (final CommandLine.ParameterException | IllegalArgumentException ex)
        {
            return badInput(file + ": " + ex.getMessage());
        }
    }

    private int badInput(final String message)
    {
        spec.commandLine().getErr().println("check-history: " + message);
        return BAD_INPUT;
    }
}
