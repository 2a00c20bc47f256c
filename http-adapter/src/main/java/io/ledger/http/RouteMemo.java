package io.ledger.http;

import io.ledger.http.endpoint.Route;
import io.ledger.http.endpoint.Router;
import io.netty.handler.codec.http.HttpMethod;

/**
 * A connection's router ({@link Router#find}) with its last answer kept: a client sends the same request line again and
 * again, and the router's walk over every route's template was 1.4% of the event loop's samples at 32 connections
 * (async-profiler, session 14). The method and the path are compared whole, so the route (and the id the router reads
 * from the path) is the router's own.
 *
 * <p>Event loop only: one per connection.
 */
final class RouteMemo
{
    private final Router router;
    private HttpMethod lastMethod;
    private String lastPath;
    private Route lastRoute;

    RouteMemo(final Router router)
    {
        this.router = router;
    }

    /** @return {@link Router#find}'s route for {@code method} and {@code path}, or null for none. */
    Route find(final HttpMethod method, final String path)
    {
        if (method.equals(lastMethod) && path.equals(lastPath))
        {
            return lastRoute;
        }
        final Route route = router.find(method, path);
        if (route != null)
        {
            lastMethod = method;
            lastPath = path;
            lastRoute = route;
        }
        return route;
    }
}
