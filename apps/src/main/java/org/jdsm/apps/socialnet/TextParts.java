package org.jdsm.apps.socialnet;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the text service extracts from a post's text, as DeathStarBench's does: the usernames mentioned
 * ({@code @name}, distinct, in order) and the URLs ({@code http://} or {@code https://}, in order, repeats kept);
 * and how it renders the text with its URLs replaced by short ones.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param mentionNames usernames mentioned, without the {@code @}.
 * @param urls         URLs in the text.
 */
public record TextParts(String[] mentionNames, String[] urls) implements Serializable
{
    private static final Pattern MENTION = Pattern.compile("@([a-zA-Z0-9_-]+)");
    private static final Pattern URL = Pattern.compile("https?://[a-zA-Z0-9_!~*'().&=+$%/?#:@;,-]+");

    /**
     * Extract mentions and URLs.
     *
     * @param text of a post.
     * @return its parts.
     */
    public static TextParts parse(final String text)
    {
        final List<String> urls = new ArrayList<>();
        final Matcher urlMatcher = URL.matcher(text);
        final StringBuilder withoutUrls = new StringBuilder(text.length());
        int last = 0;
        while (urlMatcher.find())
        {
            urls.add(urlMatcher.group());
            withoutUrls.append(text, last, urlMatcher.start()).append(' ');
            last = urlMatcher.end();
        }
        withoutUrls.append(text, last, text.length());

        final LinkedHashSet<String> names = new LinkedHashSet<>();
        final Matcher mentionMatcher = MENTION.matcher(withoutUrls);
        while (mentionMatcher.find())
        {
            names.add(mentionMatcher.group(1));
        }

        return new TextParts(names.toArray(new String[0]), urls.toArray(new String[0]));
    }

    /**
     * The text with every URL replaced by its short form.
     *
     * @param text      as composed.
     * @param urls      from {@link #parse(String)}.
     * @param shortUrls one per URL.
     * @return the rendered text.
     */
    public static String render(final String text, final String[] urls, final String[] shortUrls)
    {
        if (urls.length != shortUrls.length)
        {
            throw new SocialNetException(urls.length + " URLs but " + shortUrls.length + " short URLs");
        }
        final StringBuilder rendered = new StringBuilder(text.length());
        final Matcher urlMatcher = URL.matcher(text);
        int last = 0;
        int i = 0;
        while (urlMatcher.find())
        {
            rendered.append(text, last, urlMatcher.start()).append(shortUrls[i++]);
            last = urlMatcher.end();
        }

        return rendered.append(text, last, text.length()).toString();
    }
}
