package org.jdsm.apps.gemm;

/**
 * Told on the driver thread as the phases of a multiplication complete: {@code inputs}, {@code leaves},
 * {@code combine}.
 * <p>
 * <b>Note:</b> called by the one thread that runs the multiplication.
 */
@FunctionalInterface
public interface GemmProgress
{
    /** Tells nothing. */
    GemmProgress NONE = (phase, done, total) -> {};

    /**
     * One more unit of a phase completed.
     *
     * @param phase name of the phase.
     * @param done  units completed.
     * @param total units in the phase.
     */
    void onProgress(String phase, int done, int total);
}
