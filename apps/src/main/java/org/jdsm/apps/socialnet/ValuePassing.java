package org.jdsm.apps.socialnet;

import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DsmTask;
import org.jdsm.Ref;
import org.jdsm.apps.socialnet.DistributedSocialNet.Compose;
import org.jdsm.apps.socialnet.DistributedSocialNet.Service;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link PassMode#VALUE}: every call serialises its arguments, as the original microservices do: text and posts
 * travel inside the task message; frames, too large for one message, are copied into a fresh box on the callee's
 * node at every hop (frontend to media, media to compose-post, compose-post to post-storage) and the caller's copy
 * is freed. Counts the bytes it copies.
 * <p>
 * <b>Note:</b> threadsafe.
 */
final class ValuePassing implements PostPassing
{
    private final ServiceGraph graph;
    private final DArc<byte[]>[] clips;
    private final AtomicLong bytesPassedByValue;

    ValuePassing(final ServiceGraph graph, final DArc<byte[]>[] clips, final AtomicLong bytesPassedByValue)
    {
        this.graph = graph;
        this.clips = clips;
        this.bytesPassedByValue = bytesPassedByValue;
    }

    public void begin(final Compose c, final String text)
    {
    }

    public CompletableFuture<TextParts> parse(final Compose c, final String text)
    {
        return graph.call(Service.TEXT, parse(passed(text)));
    }

    public CompletableFuture<Boolean> storeWithMedia(
        final Compose c, final String username, final int clipId, final String text)
    {
        final DBox<byte[]> clipCopy = graph.node.alloc(Codecs.BYTES, clips[clipId].get());
        bytesPassedByValue.addAndGet(Clips.CLIP_BYTES);
        return graph.call(Service.MEDIA, watermarkCopy(clipCopy, c.postId))
            .thenComposeAsync((frames) ->
            {
                bytesPassedByValue.addAndGet(Clips.CLIP_BYTES + text.length());
                return graph.call(Service.COMPOSE_POST, assembleCopy(passed(text), c.postId, c.userId, clipId,
                    username, c.parts.urls(), c.shortUrls, c.mentionIds, frames));
            }, graph.frontend)
            .thenComposeAsync((assembled) ->
            {
                bytesPassedByValue.addAndGet(2L * assembled.post().approximateBytes() + Clips.CLIP_BYTES);
                return graph.call(Service.POST_STORAGE, storeCopy(graph.id, assembled.post(), assembled.frames()));
            }, graph.frontend);
    }

    public CompletableFuture<List<Post>> readPosts(final long[] postIds)
    {
        return graph.call(Service.POST_STORAGE, copyPosts(graph.id, postIds)).thenApply((posts) ->
        {
            for (final Post post : posts)
            {
                bytesPassedByValue.addAndGet(post.approximateBytes());
            }
            return Arrays.asList(posts);
        });
    }

    private String passed(final String text)
    {
        bytesPassedByValue.addAndGet(text.length());
        return text;
    }

    private static DsmTask<TextParts> parse(final String text)
    {
        return (n) -> TextParts.parse(text);
    }

    private static DsmTask<DBox<byte[]>> watermarkCopy(final DBox<byte[]> clipCopy, final long postId)
    {
        return (n) ->
        {
            final DBox<byte[]> mine = NodeServices.privateCopy(n, clipCopy);
            clipCopy.close();
            try (Ref<byte[]> source = mine.read())
            {
                return NodeServices.watermarked(n, source, postId);
            }
            finally
            {
                mine.close();
            }
        };
    }

    private static DsmTask<Assembled> assembleCopy(
        final String text,
        final long postId,
        final int userId,
        final int clipId,
        final String username,
        final String[] urls,
        final String[] shortUrls,
        final int[] mentionIds,
        final DBox<byte[]> frames)
    {
        return (n) ->
        {
            final DBox<byte[]> copy = NodeServices.privateCopy(n, frames);
            frames.close();
            return new Assembled(Post.of(postId, userId, clipId, username, text, urls, shortUrls, mentionIds), copy);
        };
    }

    private static DsmTask<Boolean> storeCopy(final long id, final Post post, final DBox<byte[]> frames)
    {
        return (n) ->
        {
            final NodeServices services = NodeServices.of(n, id);
            services.postValues.put(post.postId(), post);
            final DBox<byte[]> copy = NodeServices.privateCopy(n, frames);
            frames.close();
            services.retain(post.postId(), copy);
            return Boolean.TRUE;
        };
    }

    private static DsmTask<Post[]> copyPosts(final long id, final long[] postIds)
    {
        return (n) ->
        {
            final NodeServices services = NodeServices.of(n, id);
            final Post[] posts = new Post[postIds.length];
            for (int i = 0; i < postIds.length; i++)
            {
                posts[i] = services.post(postIds[i]);
            }
            return posts;
        };
    }

    /**
     * What compose-post returns in value mode: the post and a copy of its frames on compose-post's node.
     *
     * @param post   assembled.
     * @param frames copied, moved to the caller with the result.
     */
    record Assembled(Post post, DBox<byte[]> frames) implements Serializable
    {
    }
}
