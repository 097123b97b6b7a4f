package com.example.gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * A class outside jdsm's packages whose {@code readObject} has a side effect, standing for a deserialization gadget
 * on a node's class path: {@link #instantiated} tells whether any stream ever made one.
 */
public final class Gadget implements Serializable
{
    private static final long serialVersionUID = 1L;

    /** Set by {@code readObject}: true once a stream instantiated a gadget. */
    public static volatile boolean instantiated;

    /** What the gadget "runs". */
    public final String command;

    /**
     * @param command what the gadget would run.
     */
    public Gadget(final String command)
    {
        this.command = command;
    }

    private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException
    {
        in.defaultReadObject();
        instantiated = true;
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return command.hashCode();
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object other)
    {
        return other instanceof Gadget && ((Gadget)other).command.equals(command);
    }
}
