package org.jdsm.apps.socialnet;

import org.jdsm.Codec;
import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.jdsm.apps.socialnet.DistributedSocialNet.Service;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of the services of one {@link DistributedSocialNet} deployment placed on one node (those placed elsewhere
 * are null here), and the node-wide registry, keyed by (deployment, node), through which tasks find it.
 * <p>
 * <b>Note:</b> threadsafe: each service's state is, and so is the registry. Created by a deployment's setup task
 * on each node, freed by its close.
 */
final class NodeServices
{
    static final Codec<Post> POST = Codecs.record(Post.class);
    static final Codec<MediaHolder> HOLDER = Codecs.record(MediaHolder.class);
    private static final byte[] ZERO_CLIP = new byte[Clips.CLIP_BYTES];
    private static final ConcurrentHashMap<Long, NodeServices> DEPLOYED = new ConcurrentHashMap<>();

    final DsmNode node;
    final SocialNetSettings settings;
    final UniqueIds ids;
    final UserDirectory users;
    final UserDirectory mentionUsers;
    final UrlShortener urls;
    volatile SocialGraph graph;
    final ConcurrentHashMap<Long, DArc<Post>> postArcs;
    final ConcurrentHashMap<Long, Post> postValues;
    final RetainedMedia<DBox<MediaHolder>> media;
    final Timelines userTimelines;
    final Timelines homeTimelines;

    NodeServices(final DsmNode node, final int userCount, final SocialNetSettings settings, final int spread)
    {
        this.node = node;
        this.settings = settings;
        final int nodes = spread;
        final int here = node.nodeId();
        final UserDirectory directory = new UserDirectory(userCount);
        ids = here == Service.UNIQUE_ID.node(nodes) ? new UniqueIds() : null;
        users = here == Service.USER.node(nodes) ? directory : null;
        mentionUsers = here == Service.USER_MENTION.node(nodes) ? new UserDirectory(userCount) : null;
        urls = here == Service.URL_SHORTEN.node(nodes) ? new UrlShortener() : null;
        final boolean isStorage = here == Service.POST_STORAGE.node(nodes);
        postArcs = isStorage ? new ConcurrentHashMap<>() : null;
        postValues = isStorage ? new ConcurrentHashMap<>() : null;
        media = isStorage ? new RetainedMedia<>(settings.mediaRetained()) : null;
        userTimelines = here == Service.USER_TIMELINE.node(nodes) ? new Timelines(directory) : null;
        homeTimelines = here == Service.HOME_TIMELINE.node(nodes) ? new Timelines(directory) : null;
    }

    /**
     * Register a deployment's services on a node.
     */
    static void register(final DsmNode node, final long id, final NodeServices services)
    {
        DEPLOYED.put(registryKey(node.nodeId(), id), services);
    }

    /**
     * Remove a deployment's services from a node and free them.
     */
    static void unregister(final DsmNode node, final long id)
    {
        final NodeServices services = DEPLOYED.remove(registryKey(node.nodeId(), id));
        if (null != services)
        {
            services.free();
        }
    }

    /**
     * The services of a deployment on a node.
     *
     * @throws SocialNetException if the deployment is not set up on the node.
     */
    static NodeServices of(final DsmNode node, final long id)
    {
        final NodeServices services = DEPLOYED.get(registryKey(node.nodeId(), id));
        if (null == services)
        {
            throw new SocialNetException("socialnet " + id + " is not set up on node " + node.nodeId());
        }

        return services;
    }

    private static long registryKey(final int nodeId, final long id)
    {
        return (id << 8) | nodeId;
    }

    static DBox<byte[]> watermarked(final DsmNode node, final Ref<byte[]> source, final long postId)
    {
        final DBox<byte[]> frames = node.alloc(Codecs.BYTES, ZERO_CLIP);
        try (Mut<byte[]> target = frames.write())
        {
            Watermark.apply(source.buffer(), target.buffer(), Watermark.label(postId));
        }

        return frames;
    }

    static DBox<byte[]> privateCopy(final DsmNode node, final DBox<byte[]> source)
    {
        try (Ref<byte[]> ref = source.read())
        {
            return node.alloc(Codecs.BYTES, ref.get());
        }
    }

    void retain(final long postId, final DBox<byte[]> frames)
    {
        final DBox<MediaHolder> evicted = media.retain(postId, node.alloc(HOLDER, new MediaHolder(frames)));
        if (null != evicted)
        {
            free(evicted);
        }
    }

    DArc<Post> postArc(final long postId)
    {
        final DArc<Post> post = postArcs.get(postId);
        if (null == post)
        {
            throw new SocialNetException("post " + postId + " is not stored");
        }

        return post;
    }

    Post post(final long postId)
    {
        final Post post = PassMode.REFERENCE == settings.mode() ? postArc(postId).get() : postValues.get(postId);
        if (null == post)
        {
            throw new SocialNetException("post " + postId + " is not stored");
        }

        return post;
    }

    MediaCheck checkMedia(final long postId)
    {
        final DBox<MediaHolder> holder = media.get(postId);
        if (null == holder)
        {
            return MediaCheck.notRetained();
        }
        try (Ref<MediaHolder> held = holder.read(); Ref<byte[]> frames = held.get().frames().read())
        {
            return MediaCheck.of(frames.buffer(), post(postId), settings.seed());
        }
    }

    long[] counts()
    {
        return new long[] {
            null == postArcs ? 0 : postArcs.size() + postValues.size(),
            null == userTimelines ? 0 : userTimelines.entries(),
            null == homeTimelines ? 0 : homeTimelines.entries(),
            null == urls ? 0 : urls.size(),
            null == media ? 0 : media.size() };
    }

    void free()
    {
        if (null != media)
        {
            for (final DBox<MediaHolder> holder : media.clear())
            {
                free(holder);
            }
            for (final DArc<Post> post : postArcs.values())
            {
                post.close();
            }
            postArcs.clear();
            postValues.clear();
        }
    }

    private static void free(final DBox<MediaHolder> holder)
    {
        try (Mut<MediaHolder> held = holder.write())
        {
            held.get().frames().close();
        }
        holder.close();
    }
}
