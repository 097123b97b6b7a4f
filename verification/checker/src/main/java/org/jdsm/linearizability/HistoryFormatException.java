package org.jdsm.linearizability;

/**
 * A history file that can not be read: the message names the source and the line, e.g.
 * {@code history.jsonl:12: "type" must be one of invoke, ok, fail, info: "done"}.
 */
public final class HistoryFormatException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;

    /**
     * @param source of the history, e.g. its file name.
     * @param line   1-based line that is malformed.
     * @param reason what is wrong.
     */
    public HistoryFormatException(final String source, final int line, final String reason)
    {
        super(source + ":" + line + ": " + reason);
        this.source = source;
        this.line = line;
    }

    /**
     * @return the source of the history.
     */
    public String source()
    {
        return source;
    }

    /**
     * @return the 1-based line that is malformed.
     */
    public int line()
    {
        return line;
    }
}
