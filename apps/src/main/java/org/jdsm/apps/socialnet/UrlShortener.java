package org.jdsm.apps.socialnet;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The url-shorten service's state: each distinct URL gets a short one {@code http://sh.rt/<base 36 number>} once,
 * and a short URL expands back to it.
 * <p>
 * <b>Note:</b> threadsafe; owned by the node that runs the url-shorten service.
 */
public final class UrlShortener
{
    /** Prefix of every short URL. */
    public static final String PREFIX = "http://sh.rt/";

    private final ConcurrentHashMap<String, String> shortByUrl = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> urlByShort = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong();

    /**
     * Shorten URLs, storing new mappings.
     *
     * @param urls to shorten.
     * @return one short URL per URL.
     */
    public String[] shorten(final String[] urls)
    {
        final String[] shortUrls = new String[urls.length];
        for (int i = 0; i < urls.length; i++)
        {
            shortUrls[i] = shortByUrl.computeIfAbsent(urls[i], (url) ->
            {
                final String shortUrl = PREFIX + Long.toString(next.incrementAndGet(), 36);
                urlByShort.put(shortUrl, url);
                return shortUrl;
            });
        }

        return shortUrls;
    }

    /**
     * The URL a short one stands for.
     *
     * @param shortUrl to expand.
     * @return the URL, or null if it was never made.
     */
    public String expand(final String shortUrl)
    {
        return urlByShort.get(shortUrl);
    }

    /**
     * Number of URLs shortened.
     *
     * @return the mapping count.
     */
    public int size()
    {
        return shortByUrl.size();
    }
}
