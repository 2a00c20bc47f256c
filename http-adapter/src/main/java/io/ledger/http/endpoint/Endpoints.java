package io.ledger.http.endpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every route the server answers and the endpoint that serves it, built once when the class initializes: the three
 * routes the request handler answers itself ({@link Route#HEALTH}, {@link Route#LIVENESS}, {@link Route#OPENAPI}, {@link Route#METRICS}), then
 * each family's endpoints in the order its {@code register} adds them. The order is the {@code Allow} header's order for
 * a path served under several methods.
 *
 * <p>Adding an endpoint to a family is one small class in the family's file and one {@code add} in its
 * {@code register}; a new family is one more file and one line here.
 *
 * <p>Immutable once initialized; thread-safe.
 */
public final class Endpoints
{
    /** Collects the routes and endpoints while {@link Endpoints} initializes. */
    static final class Table
    {
        private final List<Route> routes = new ArrayList<>();
        private final List<Endpoint> endpoints = new ArrayList<>();

        /** Adds a route the request handler answers itself (no endpoint, no command). */
        Table local(final Route route)
        {
            return add(route, null);
        }

        /** @return the endpoint of the route named {@code name}, added before. */
        Endpoint endpoint(final String name)
        {
            for (int i = 0; i < routes.size(); i++)
            {
                if (routes.get(i).name().equals(name))
                {
                    return endpoints.get(i);
                }
            }
            throw new IllegalArgumentException("route=" + name + " is not in the table (yet)");
        }

        Table add(final Endpoint endpoint)
        {
            if (endpoint.route().command() == null)
            {
                throw new IllegalArgumentException("route=" + endpoint.route() + " has no command");
            }
            return add(endpoint.route(), endpoint);
        }

        private Table add(final Route route, final Endpoint endpoint)
        {
            route.check();
            for (final Route other : routes)
            {
                if (other.name().equals(route.name())
                    || other.method().equals(route.method()) && other.template().equals(route.template()))
                {
                    throw new IllegalArgumentException("route=" + route + " " + route.method() + " " + route.template()
                        + " is declared twice (also " + other + ")");
                }
            }
            if (route.index != -1)
            {
                throw new IllegalArgumentException("route=" + route + " belongs to another table");
            }
            route.index = routes.size();
            routes.add(route);
            endpoints.add(endpoint);
            return this;
        }
    }

    private static final List<Route> ROUTES;
    private static final Endpoint[] BY_INDEX;
    private static final Router ROUTER;

    static
    {
        final Table table = new Table()
            .local(Route.HEALTH)
            .local(Route.LIVENESS)
            .local(Route.OPENAPI)
            .local(Route.METRICS)
            .local(Route.EVENTS);
        CustomerEndpoints.register(table);
        BalanceEndpoints.register(table);
        PayInEndpoints.register(table);
        PaymentMethodEndpoints.register(table);
        PurchaseEndpoints.register(table);
        RefundEndpoints.register(table);
        GiftBalanceEndpoints.register(table);
        TransferEndpoints.register(table);
        PayoutEndpoints.register(table);
        BatchEndpoints.register(table);
        ApiKeyEndpoints.register(table);
        PaywallEndpoints.register(table);
        MasumiEndpoints.register(table);
        ROUTES = Collections.unmodifiableList(table.routes);
        BY_INDEX = table.endpoints.toArray(new Endpoint[0]);
        ROUTER = new Router(ROUTES);
    }

    private Endpoints()
    {
    }

    /** @return every route, in table order (their {@link Route#index()}). */
    public static List<Route> routes()
    {
        return ROUTES;
    }

    /** @return the endpoint that serves {@code route}, or null for a route the request handler answers itself. */
    public static Endpoint of(final Route route)
    {
        return BY_INDEX[route.index()];
    }

    /** @return the route named {@code name} ({@code get_customer}). */
    public static Route route(final String name)
    {
        for (final Route route : ROUTES)
        {
            if (route.name().equals(name))
            {
                return route;
            }
        }
        throw new IllegalArgumentException("route=" + name + " is not served");
    }

    /** @return the router over every route. */
    public static Router router()
    {
        return ROUTER;
    }
}
