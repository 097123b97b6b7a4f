package org.jdsm.apps.socialnet;

import java.io.Serializable;

/**
 * What a SocialNet holds, summed over its services: to check that a rejected request changed nothing.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param posts                posts stored.
 * @param userTimelineEntries  entries over every user timeline.
 * @param homeTimelineEntries  entries over every home timeline.
 * @param shortUrls            URLs shortened.
 * @param mediaRetained        posts whose watermarked frames are kept.
 */
public record SocialNetState(
    long posts, long userTimelineEntries, long homeTimelineEntries, long shortUrls, long mediaRetained)
    implements Serializable
{
}
