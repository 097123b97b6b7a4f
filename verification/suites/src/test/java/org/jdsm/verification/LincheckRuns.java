package org.jdsm.verification;

import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The Lincheck settings every test of the engine's concurrent structures uses, sized so the whole set takes a couple
 * of minutes on a 2-core machine: two threads of three operations each (races of two are what the structures'
 * protocols are about), few iterations. A negative control runs with more iterations and no minimisation: it only
 * has to fail, fast.
 */
public final class LincheckRuns
{
    /**
     * Each method of Agrona's buffers is one memory access (plain, acquire, release or CAS) behind a bounds check:
     * the model checker switches threads before it, not inside. Inside, Lincheck 3.7 fails on the static
     * {@code SHOULD_BOUNDS_CHECK} field ("does not have field"), a bug of its own.
     */
    private static final org.jetbrains.lincheck.datastructures.ManagedStrategyGuarantee
        AGRONA_BUFFERS_ARE_SINGLE_ACCESSES = ManagedStrategyGuaranteeKt
        .forClasses("org.agrona.AbstractMutableDirectBuffer", "org.agrona.concurrent.UnsafeBuffer")
        .allMethods()
        .treatAsAtomic();

    private LincheckRuns()
    {
    }

    /**
     * Stress mode: real threads, many invocations of each scenario.
     *
     * @param sequentialSpecification the model the results are checked against.
     * @return the options.
     */
    public static StressOptions stress(final Class<?> sequentialSpecification)
    {
        return new StressOptions()
            .sequentialSpecification(sequentialSpecification)
            .iterations(5)
            .invocationsPerIteration(200)
            .threads(2)
            .actorsPerThread(3)
            .actorsBefore(1)
            .actorsAfter(1);
    }

    /**
     * Model-checking mode: Lincheck controls the interleaving at every shared access, exploring switch points.
     *
     * @param sequentialSpecification the model the results are checked against.
     * @return the options.
     */
    public static ModelCheckingOptions modelChecking(final Class<?> sequentialSpecification)
    {
        return new ModelCheckingOptions()
            .addGuarantee(AGRONA_BUFFERS_ARE_SINGLE_ACCESSES)
            .sequentialSpecification(sequentialSpecification)
            .iterations(8)
            .invocationsPerIteration(150)
            .threads(2)
            .actorsPerThread(3)
            .actorsBefore(1)
            .actorsAfter(1);
    }

    /**
     * Model checking for a negative control: more scenarios, no minimisation of the failure.
     *
     * @param sequentialSpecification the model the results are checked against.
     * @return the options.
     */
    public static ModelCheckingOptions negativeControl(final Class<?> sequentialSpecification)
    {
        return new ModelCheckingOptions()
            .addGuarantee(AGRONA_BUFFERS_ARE_SINGLE_ACCESSES)
            .sequentialSpecification(sequentialSpecification)
            .iterations(30)
            .invocationsPerIteration(200)
            .threads(2)
            .actorsPerThread(3)
            .minimizeFailedScenario(false);
    }
}
