package io.ledger.http;

import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Matches a decoded request path against the {@link Route} templates. Stateless and thread-safe.
 *
 * <p>A path that matches a template under another method is a 405 (with the allowed methods), one that matches
 * no template a 404. A {@code {id}} segment matches any one non-empty segment; whether the id exists is the
 * ledger's business.
 */
public final class Router
{
    /** The outcome of a match: the route and its {@code {id}} (or null), or the methods the path allows. */
    public record Match(Route route, String id, List<HttpMethod> allowed)
    {
        public boolean found()
        {
            return route != null;
        }

        public boolean methodNotAllowed()
        {
            return route == null && !allowed.isEmpty();
        }
    }

    private static final Route[] ROUTES = Route.values();

    private Router()
    {
    }

    /** @param path the raw path without query string (percent-decoding is applied to the id segment). */
    public static Match match(final HttpMethod method, final String path)
    {
        final String[] segments = split(path);
        List<HttpMethod> allowed = List.of();
        for (final Route route : ROUTES)
        {
            final String id = matchTemplate(route.template(), segments);
            if (id == null)
            {
                continue;
            }
            if (route.method().equals(method))
            {
                return new Match(route, id.isEmpty() ? null : id, List.of());
            }
            if (allowed.isEmpty())
            {
                allowed = new ArrayList<>(2);
            }
            allowed.add(route.method());
        }
        return new Match(null, null, allowed);
    }

    /** @return the {@code {id}} value, "" when the template has none, or null when it does not match. */
    private static String matchTemplate(final String template, final String[] segments)
    {
        final String[] parts = split(template);
        if (parts.length != segments.length)
        {
            return null;
        }
        String id = "";
        for (int i = 0; i < parts.length; i++)
        {
            if ("{id}".equals(parts[i]))
            {
                if (segments[i].isEmpty())
                {
                    return null;
                }
                id = segments[i];
            }
            else if (!parts[i].equals(segments[i]))
            {
                return null;
            }
        }
        return id;
    }

    private static String[] split(final String path)
    {
        String p = path;
        if (p.length() > 1 && p.endsWith("/"))
        {
            p = p.substring(0, p.length() - 1);
        }
        if (p.startsWith("/"))
        {
            p = p.substring(1);
        }
        return p.split("/", -1);
    }
}
