package io.ledger.http.console;

import io.ledger.http.endpoint.Endpoints;
import io.ledger.http.endpoint.Route;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The console's routes, all under {@value #PREFIX} and all {@code GET}. They are not part of the merchant API (not in
 * {@link Endpoints}, not in {@code /openapi.json}):
 *
 * <pre>
 *   /console                       the page (HTML)                 no token needed: it holds no data
 *   /console/console.js, .css      its script and style sheet      no token needed
 *   /console/api/stats             the figures the page polls      operator token
 *   /console/api/merchants/{merchant}/customers/{id}               operator token: as GET /api/canary/customers/{id}
 *   /console/api/merchants/{merchant}/customers/{id}/balance       ... as .../balance[?currency=]
 *   /console/api/merchants/{merchant}/customers/{id}/transactions  ... as .../transactions[?limit=&amp;offset=]
 * </pre>
 *
 * A lookup is the API's own ring query, answered the same way, for the merchant the operator names in the path.
 *
 * @param kind     what is asked for.
 * @param asset    for {@link Kind#ASSET}: the asset's file name.
 * @param merchant for a lookup: the merchant id from the path, percent-decoded (null when malformed).
 * @param id       for a lookup: the customer id from the path (raw).
 */
public record ConsoleRoute(Kind kind, String asset, String merchant, String id)
{
    public static final String PREFIX = "/console";

    /** What a console request asks for. */
    public enum Kind
    {
        ASSET(null),
        STATS(null),
        CUSTOMER("get_customer"),
        CUSTOMER_BALANCE("get_customer_balance"),
        CUSTOMER_TRANSACTIONS("list_customer_transactions"),
        /** Under the prefix, but no such route: 404. */
        UNKNOWN(null),
        /** A known path with a method other than GET: 405. */
        METHOD_NOT_ALLOWED(null);

        private final Route apiRoute;

        Kind(final String apiRouteName)
        {
            this.apiRoute = apiRouteName == null ? null : Endpoints.route(apiRouteName);
        }

        /** @return the API route whose ring query and reply a lookup shares, or null for the others. */
        public Route apiRoute()
        {
            return apiRoute;
        }

        /** @return true when it needs an operator token. */
        public boolean needsOperator()
        {
            return this == STATS || apiRoute != null;
        }
    }

    /** @return true when {@code rawPath} is the console's, so the console answers it (404 included). */
    public static boolean owns(final String rawPath)
    {
        return rawPath.equals(PREFIX) || rawPath.startsWith(PREFIX + "/");
    }

    /** @param rawPath a path {@link #owns} answers true for, without its query string. */
    public static ConsoleRoute match(final HttpMethod method, final String rawPath)
    {
        final String rest = rawPath.length() == PREFIX.length() ? "" : rawPath.substring(PREFIX.length() + 1);
        final ConsoleRoute route = route(rest);
        if (route.kind != Kind.UNKNOWN && !HttpMethod.GET.equals(method))
        {
            return new ConsoleRoute(Kind.METHOD_NOT_ALLOWED, null, null, null);
        }
        return route;
    }

    private static ConsoleRoute route(final String rest)
    {
        if (rest.isEmpty())
        {
            return new ConsoleRoute(Kind.ASSET, ConsoleAssets.PAGE, null, null);
        }
        if (ConsoleAssets.exists(rest))
        {
            return new ConsoleRoute(Kind.ASSET, rest, null, null);
        }
        if (rest.equals("api/stats"))
        {
            return new ConsoleRoute(Kind.STATS, null, null, null);
        }
        final String[] parts = rest.split("/", -1);
        if (parts.length == 5 && parts[0].equals("api") && parts[1].equals("merchants") && parts[3].equals("customers")
            && !parts[2].isEmpty() && !parts[4].isEmpty())
        {
            return new ConsoleRoute(Kind.CUSTOMER, null, decode(parts[2]), parts[4]);
        }
        if (parts.length == 6 && parts[0].equals("api") && parts[1].equals("merchants") && parts[3].equals("customers")
            && !parts[2].isEmpty() && !parts[4].isEmpty())
        {
            if (parts[5].equals("balance"))
            {
                return new ConsoleRoute(Kind.CUSTOMER_BALANCE, null, decode(parts[2]), parts[4]);
            }
            if (parts[5].equals("transactions"))
            {
                return new ConsoleRoute(Kind.CUSTOMER_TRANSACTIONS, null, decode(parts[2]), parts[4]);
            }
        }
        return new ConsoleRoute(Kind.UNKNOWN, null, null, null);
    }

    private static String decode(final String raw)
    {
        try
        {
            return QueryStringDecoder.decodeComponent(raw);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }
}
