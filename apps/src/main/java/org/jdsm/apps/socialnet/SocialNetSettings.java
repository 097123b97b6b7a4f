package org.jdsm.apps.socialnet;

import java.io.Serializable;

/**
 * How a SocialNet is set up, with defaults; {@link #validate()} names a bad setting and its bound.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param mode          how calls pass posts and media (ignored by the baseline).
 * @param clips         clips in the media store.
 * @param seed          of the clips.
 * @param mediaRetained posts whose watermarked frames post-storage keeps.
 * @param mediaInFlight composes whose frames may be between the media service and post-storage at once.
 * @param localCalls    if true, a call to a service on the frontend's own node runs on the frontend's thread as a
 *                      method call instead of a task (ignored by the baseline).
 */
public record SocialNetSettings(
    PassMode mode, int clips, long seed, int mediaRetained, int mediaInFlight, boolean localCalls)
    implements Serializable
{
    /** Default clips. */
    public static final int CLIPS_DEFAULT = 4;
    /** Default posts whose frames are kept. */
    public static final int MEDIA_RETAINED_DEFAULT = 32;
    /** Default composes with media in flight. */
    public static final int MEDIA_IN_FLIGHT_DEFAULT = 8;

    /**
     * The defaults for a mode.
     *
     * @param mode of passing.
     * @return the settings.
     */
    public static SocialNetSettings defaults(final PassMode mode)
    {
        return new SocialNetSettings(mode, CLIPS_DEFAULT, 42, MEDIA_RETAINED_DEFAULT, MEDIA_IN_FLIGHT_DEFAULT, false);
    }

    /**
     * Check every setting.
     *
     * @return this.
     * @throws SocialNetException naming the first bad setting.
     */
    public SocialNetSettings validate()
    {
        if (null == mode)
        {
            throw new SocialNetException("mode=null must be reference or value");
        }
        if (clips < 1 || clips > 64)
        {
            throw new SocialNetException("clips=" + clips + " must be in [1, 64]");
        }
        if (mediaRetained < 1 || mediaRetained > 4096)
        {
            throw new SocialNetException("mediaRetained=" + mediaRetained + " must be in [1, 4096]");
        }
        if (mediaInFlight < 1 || mediaInFlight > 1024)
        {
            throw new SocialNetException("mediaInFlight=" + mediaInFlight + " must be in [1, 1024]");
        }

        return this;
    }

    /**
     * The same settings in another mode.
     *
     * @param other mode.
     * @param local whether calls to the frontend's own node are method calls.
     * @return the settings.
     */
    public SocialNetSettings with(final PassMode other, final boolean local)
    {
        return new SocialNetSettings(other, clips, seed, mediaRetained, mediaInFlight, local);
    }

    /**
     * Heap the media needs on the node that holds it: clips, retained and in-flight frames.
     *
     * @return bytes.
     */
    public long mediaHeapBytes()
    {
        return (long)(clips + mediaRetained + 2L * mediaInFlight) * Clips.CLIP_BYTES;
    }
}
