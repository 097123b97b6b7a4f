package org.jdsm.linearizability;

/**
 * Why the search of a key stopped before deciding, when its verdict is {@link Verdict#UNKNOWN}.
 */
public enum SearchLimit
{
    /** It entered as many configurations as its budget allowed. */
    STATES,
    /** The check's time budget ran out. */
    TIME,
    /** Its memory of visited configurations reached its largest size. */
    MEMORY,
    /** Another key was proven not linearizable first, so the check stopped searching this one. */
    CANCELLED
}
