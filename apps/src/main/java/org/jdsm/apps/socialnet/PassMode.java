package org.jdsm.apps.socialnet;

/**
 * How calls between the services of {@link DistributedSocialNet} pass posts and media.
 */
public enum PassMode
{
    /**
     * Calls carry references: the request's text is a box on the frontend's node lent to the calls that read it,
     * a clip is a {@code DArc} shared with the media service, the watermarked frames a {@code DBox} moved from the
     * media service to post-storage, a post a {@code DBox} moved from compose-post to post-storage, which publishes
     * it as a {@code DArc} on its node shared with readers.
     */
    REFERENCE,
    /**
     * Every call serialises its arguments, as the original microservices do: text and posts travel inside the task
     * message; frames, too large for one message, are copied into a fresh box on the callee's node at every hop
     * (frontend to media, media to compose-post, compose-post to post-storage) and the caller's copy is freed.
     */
    VALUE;

    /**
     * Parse a mode name.
     *
     * @param name {@code reference} or {@code value}.
     * @return the mode.
     * @throws SocialNetException naming the bad value.
     */
    public static PassMode parse(final String name)
    {
        switch (name)
        {
            case "reference":
                return REFERENCE;
            case "value":
                return VALUE;
            default:
                throw new SocialNetException("--mode=" + name + " must be reference or value");
        }
    }
}
