package org.jdsm.apps.socialnet;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The single-JVM program a user would write: every service a plain Java object, every call a method call that
 * passes Java references, every request run on one thread of a fixed pool. Kept step by step beside
 * {@link DistributedSocialNet}, so {@code diff} of the two is the port.
 * <p>
 * <b>Note:</b> threadsafe; owns its pool and stops it on {@link #close()}.
 */
public final class BaselineSocialNet implements SocialNet
{
    private final SocialNetSettings settings;
    private final ExecutorService pool;
    private final AtomicLong bytesPassedByValue = new AtomicLong();
    private final byte[][] clips;
    private final UniqueIds uniqueIds = new UniqueIds();
    private final UserDirectory users;
    private final UserDirectory mentionUsers;
    private final UrlShortener urls = new UrlShortener();
    private final SocialGraph graph;
    private final ConcurrentHashMap<Long, Post> posts = new ConcurrentHashMap<>();
    private final RetainedMedia<byte[]> media;
    private final Timelines userTimelines;
    private final Timelines homeTimelines;

    /**
     * @param graph    of the users.
     * @param settings clips, seed and media retention.
     * @param threads  of the request pool.
     */
    public BaselineSocialNet(final SocialGraph graph, final SocialNetSettings settings, final int threads)
    {
        this.settings = settings.validate();
        this.graph = graph;
        pool = Executors.newFixedThreadPool(threads);
        users = new UserDirectory(graph.userCount());
        mentionUsers = new UserDirectory(graph.userCount());
        userTimelines = new Timelines(users);
        homeTimelines = new Timelines(users);
        media = new RetainedMedia<>(settings.mediaRetained());
        clips = new byte[settings.clips()][];
        for (int c = 0; c < clips.length; c++)
        {
            clips[c] = Clips.generate(c, settings.seed());
        }
    }

    public int userCount()
    {
        return graph.userCount();
    }

    public CompletableFuture<Long> compose(final ComposeRequest request)
    {
        return CompletableFuture.supplyAsync(() -> composeNow(request), pool);
    }

    private long composeNow(final ComposeRequest request)
    {
        request.validate();
        checkClip(request.clipId());
        bytesPassedByValue.addAndGet(request.text().length());
        final String text = request.text();
        final int userId = users.idOf(request.username());
        final TextParts parts = TextParts.parse(text);
        final int[] mentionIds = mentionUsers.idsOf(parts.mentionNames());
        final long postId = uniqueIds.next();
        final String[] shortUrls = urls.shorten(parts.urls());
        final byte[] frames = new byte[Clips.CLIP_BYTES];
        Watermark.apply(new UnsafeBuffer(clips[request.clipId()]), new UnsafeBuffer(frames), Watermark.label(postId));
        final Post post = Post.of(postId, userId, request.clipId(), request.username(), text, parts.urls(),
            shortUrls, mentionIds);
        posts.put(postId, post);
        media.retain(postId, frames);
        userTimelines.insert(userId, postId);
        final int[] followers = graph.followers(userId);
        for (final int reader : Timelines.audience(followers, mentionIds))
        {
            homeTimelines.insert(reader, postId);
        }

        return postId;
    }

    public CompletableFuture<List<Post>> readUserTimeline(final int userId, final int start, final int stop)
    {
        return CompletableFuture.supplyAsync(() -> readPosts(userTimelines.read(userId, start, stop)), pool);
    }

    public CompletableFuture<List<Post>> readHomeTimeline(final int userId, final int start, final int stop)
    {
        return CompletableFuture.supplyAsync(() -> readPosts(homeTimelines.read(userId, start, stop)), pool);
    }

    private List<Post> readPosts(final long[] postIds)
    {
        final List<Post> read = new ArrayList<>(postIds.length);
        for (final long postId : postIds)
        {
            read.add(posts.get(postId));
        }

        return read;
    }

    public String expandUrl(final String shortUrl)
    {
        return urls.expand(shortUrl);
    }

    public MediaCheck checkMedia(final long postId)
    {
        final byte[] frames = media.get(postId);
        return null == frames ? MediaCheck.notRetained() :
            MediaCheck.of(new UnsafeBuffer(frames), posts.get(postId), settings.seed());
    }

    public SocialNetState state()
    {
        return new SocialNetState(posts.size(), userTimelines.entries(), homeTimelines.entries(), urls.size(),
            media.size());
    }

    public long bytesPassedByValue()
    {
        return bytesPassedByValue.get();
    }

    public void close()
    {
        pool.shutdownNow();
        media.clear();
        posts.clear();
    }

    private void checkClip(final int clipId)
    {
        if (clipId < 0 || clipId >= clips.length)
        {
            throw new SocialNetException("clipId=" + clipId + " must be in [0, " + clips.length + ")");
        }
    }
}
