package org.jdsm.apps.socialnet;

import org.jdsm.DBox;

/**
 * Post-storage's hold on a post's watermarked frames: a small object on post-storage's node with the frames' box
 * moved into it, so the frames stay where they were made (by reference) and are owned by post-storage.
 * <p>
 * <b>Note:</b> a value; the box in it is owned by the object that holds the record.
 *
 * @param frames the watermarked frames, {@link Clips#CLIP_BYTES} bytes.
 */
public record MediaHolder(DBox<byte[]> frames)
{
}
