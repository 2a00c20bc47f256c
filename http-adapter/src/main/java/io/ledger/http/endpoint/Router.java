package io.ledger.http.endpoint;

import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Matches a request path against every {@link Route}'s template. The templates are split into segments once, when
 * {@link Endpoints} builds the router; a match walks the path in place, so finding a route allocates nothing.
 *
 * <p>A path that matches a template under another method is a 405 (with the allowed methods), one that matches no
 * template a 404. A {@code {id}} segment matches any one non-empty segment; whether the id exists is the ledger's
 * business. Paths are compared byte for byte, never normalized (one trailing slash is ignored).
 *
 * <p>Immutable and thread-safe.
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

    private final Route[] routes;
    /** Per route, its template's segments; null stands for {@code {id}}. */
    private final String[][] segments;
    /** Per route, the position of its {@code {id}} segment, or -1. */
    private final int[] idSegment;

    Router(final List<Route> routes)
    {
        this.routes = routes.toArray(new Route[0]);
        this.segments = new String[this.routes.length][];
        this.idSegment = new int[this.routes.length];
        for (int r = 0; r < this.routes.length; r++)
        {
            final String template = this.routes[r].template();
            final String[] parts = template.substring(1).split("/", -1);
            idSegment[r] = -1;
            for (int s = 0; s < parts.length; s++)
            {
                if (parts[s].equals("{id}"))
                {
                    parts[s] = null;
                    idSegment[r] = s;
                }
            }
            segments[r] = parts;
        }
    }

    /** Matches with the server's routes ({@link Endpoints#router()}). */
    public static Match match(final HttpMethod method, final String path)
    {
        return Endpoints.router().resolve(method, path);
    }

    /**
     * @param path the raw path without query string.
     * @return the route {@code method} and {@code path} ask for, or null (then {@link #allowed} says 404 or 405).
     *         Allocation-free.
     */
    public Route find(final HttpMethod method, final String path)
    {
        final int begin = begin(path);
        final int end = end(path);
        for (int r = 0; r < routes.length; r++)
        {
            if (routes[r].method().equals(method) && matches(segments[r], path, begin, end))
            {
                return routes[r];
            }
        }
        return null;
    }

    /** @return the raw (not yet percent-decoded) {@code {id}} segment of {@code path}, which {@code route} matched. */
    public String id(final Route route, final String path)
    {
        final int s = idSegment[route.index()];
        if (s < 0)
        {
            return null;
        }
        int pos = begin(path);
        final int end = end(path);
        for (int i = 0; i < s; i++)
        {
            pos = segmentEnd(path, pos, end) + 1;
        }
        return path.substring(pos, segmentEnd(path, pos, end));
    }

    /** @return the methods of the routes whose template {@code path} matches, in route order; empty for none. */
    public List<HttpMethod> allowed(final String path)
    {
        final int begin = begin(path);
        final int end = end(path);
        List<HttpMethod> allowed = List.of();
        for (int r = 0; r < routes.length; r++)
        {
            if (matches(segments[r], path, begin, end))
            {
                if (allowed.isEmpty())
                {
                    allowed = new ArrayList<>(2);
                }
                allowed.add(routes[r].method());
            }
        }
        return allowed;
    }

    /** {@link #find}, {@link #id} and {@link #allowed} in one answer. */
    public Match resolve(final HttpMethod method, final String path)
    {
        final Route route = find(method, path);
        if (route != null)
        {
            return new Match(route, id(route, path), List.of());
        }
        return new Match(null, null, allowed(path));
    }

    /** Where the segments start: after one leading slash. */
    private static int begin(final String path)
    {
        return path.startsWith("/") ? 1 : 0;
    }

    /** Where the segments end: before one trailing slash (but a lone {@code "/"} stays). */
    private static int end(final String path)
    {
        final int length = path.length();
        return length > 1 && path.charAt(length - 1) == '/' ? length - 1 : length;
    }

    private static int segmentEnd(final String path, final int from, final int end)
    {
        final int slash = path.indexOf('/', from);
        return slash < 0 || slash > end ? end : slash;
    }

    /** @return true when {@code path[begin, end)}, split at every '/', is {@code template} segment for segment. */
    private static boolean matches(final String[] template, final String path, final int begin, final int end)
    {
        int pos = begin;
        for (final String part : template)
        {
            if (pos > end)
            {
                return false; // the path has fewer segments
            }
            final int segmentEnd = segmentEnd(path, pos, end);
            final int length = segmentEnd - pos;
            if (part == null ? length == 0 : length != part.length() || !path.regionMatches(pos, part, 0, length))
            {
                return false;
            }
            pos = segmentEnd + 1;
        }
        return pos == end + 1; // and not more
    }
}
