package org.jdsm.apps.socialnet;

import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DsmTask;
import org.jdsm.Ref;
import org.jdsm.apps.socialnet.DistributedSocialNet.Compose;
import org.jdsm.apps.socialnet.DistributedSocialNet.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@link PassMode#REFERENCE}: the request's text is a box on the frontend's node lent ({@code Ref}) to text and
 * compose-post, which read it where it is; the clip is a {@code DArc} in the frontend's media store shared with the
 * media service, which reads it through its node's cache; the watermarked frames are a {@code DBox} made on the
 * media service's node and moved (its address) to post-storage, which owns it from then on; the post is a
 * {@code DBox} made by compose-post and moved to post-storage, which reads it (one fetch) into a {@code DArc} on its
 * own node, shared with every reader.
 * <p>
 * <b>Note:</b> threadsafe.
 */
final class ReferencePassing implements PostPassing
{
    private final ServiceGraph graph;
    private final DArc<byte[]>[] clips;

    ReferencePassing(final ServiceGraph graph, final DArc<byte[]>[] clips)
    {
        this.graph = graph;
        this.clips = clips;
    }

    public void begin(final Compose c, final String text)
    {
        c.textBox = graph.node.alloc(Codecs.STRING, text);
    }

    public CompletableFuture<TextParts> parse(final Compose c, final String text)
    {
        return lending(c.textBox, (ref) -> graph.call(Service.TEXT, parse(ref)));
    }

    public CompletableFuture<Boolean> storeWithMedia(
        final Compose c, final String username, final int clipId, final String text)
    {
        return graph.call(Service.MEDIA, watermark(clips[clipId], c.postId))
            .thenComposeAsync((frames) -> lending(c.textBox, (ref) -> graph.call(Service.COMPOSE_POST,
                assemble(ref, c.postId, c.userId, clipId, username, c.parts.urls(), c.shortUrls, c.mentionIds)))
                .thenComposeAsync((post) -> graph.call(Service.POST_STORAGE, store(graph.id, c.postId, post, frames)),
                graph.frontend), graph.frontend);
    }

    public CompletableFuture<List<Post>> readPosts(final long[] postIds)
    {
        return graph.call(Service.POST_STORAGE, sharePosts(graph.id, postIds)).thenApplyAsync((arcs) ->
        {
            final List<Post> posts = new ArrayList<>(arcs.length);
            for (final DArc<Post> arc : arcs)
            {
                posts.add(arc.get());
                arc.close();
            }
            return posts;
        }, graph.frontend);
    }

    /**
     * Lend a shared borrow of a box to one call, ended when the call returns.
     */
    private static <R> CompletableFuture<R> lending(
        final DBox<String> box, final Function<Ref<String>, CompletableFuture<R>> call)
    {
        final Ref<String> ref = box.read();
        try
        {
            return call.apply(ref).whenComplete((result, failure) -> ref.close());
        }
        catch (final RuntimeException ex)
        {
            ref.close();
            throw ex;
        }
    }

    private static DsmTask<TextParts> parse(final Ref<String> text)
    {
        return (n) -> TextParts.parse(text.get());
    }

    private static DsmTask<DBox<byte[]>> watermark(final DArc<byte[]> clip, final long postId)
    {
        return (n) ->
        {
            try (Ref<byte[]> source = clip.read())
            {
                return NodeServices.watermarked(n, source, postId);
            }
        };
    }

    private static DsmTask<DBox<Post>> assemble(
        final Ref<String> text,
        final long postId,
        final int userId,
        final int clipId,
        final String username,
        final String[] urls,
        final String[] shortUrls,
        final int[] mentionIds)
    {
        return (n) -> n.alloc(
            NodeServices.POST, Post.of(postId, userId, clipId, username, text.get(), urls, shortUrls, mentionIds));
    }

    private static DsmTask<Boolean> store(
        final long id, final long postId, final DBox<Post> post, final DBox<byte[]> frames)
    {
        return (n) ->
        {
            final NodeServices services = NodeServices.of(n, id);
            final DArc<Post> published;
            try (Ref<Post> assembled = post.read())
            {
                published = n.arc(NodeServices.POST, assembled.get());
            }
            post.close();
            services.postArcs.put(postId, published);
            services.retain(postId, frames);
            return Boolean.TRUE;
        };
    }

    @SuppressWarnings("unchecked")
    private static DsmTask<DArc<Post>[]> sharePosts(final long id, final long[] postIds)
    {
        return (n) ->
        {
            final NodeServices services = NodeServices.of(n, id);
            final DArc<Post>[] shared = new DArc[postIds.length];
            for (int i = 0; i < postIds.length; i++)
            {
                shared[i] = services.postArc(postIds[i]).share();
            }
            return shared;
        };
    }
}
