package io.ledger.http.endpoint;

import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * One operation the server answers: its method and path template, the command it becomes, which command field the
 * path's {@code {id}} fills, what it does with a body and the status of a success. Declared by the {@link Endpoint}
 * that serves it (or, for the three routes the request handler answers itself, here); {@link Endpoints} holds every
 * route and {@link Router} matches them.
 *
 * <p>Immutable once {@link Endpoints} has numbered it (at class initialization); thread-safe.
 */
public final class Route
{
    /** What a route does with a request body. */
    public enum Body
    {
        /** Never read (GET, DELETE); no {@code Content-Type} is needed. */
        NONE,
        /** Read when there is one, and then it must be a JSON object ({@code Content-Type: application/json}). */
        OPTIONAL,
        /** A JSON object is required ({@code Content-Type: application/json}, else 415). */
        REQUIRED
    }

    /** Readiness: the ledger's real state, 503 when it cannot serve; answered by the request handler, no token. */
    public static final Route HEALTH = new Route("health", HttpMethod.GET, "/api/canary/health", null, null,
        HttpResponseStatus.OK, Body.NONE);
    /** Liveness: 200 whenever the server answers at all; answered by the request handler, no token. */
    public static final Route LIVENESS = new Route("liveness", HttpMethod.GET, "/health/live", null, null,
        HttpResponseStatus.OK, Body.NONE);
    /** The served OpenAPI document; answered by the request handler, no token. */
    public static final Route OPENAPI = new Route("openapi", HttpMethod.GET, "/openapi.json", null, null,
        HttpResponseStatus.OK, Body.NONE);
    /** Prometheus text format; whether it needs a token is the server's {@code --metrics} option. */
    public static final Route METRICS = new Route("metrics", HttpMethod.GET, "/metrics", null, null,
        HttpResponseStatus.OK, Body.NONE);

    /**
     * The change stream: a merchant's committed events as Server-Sent Events; answered by the request handler and
     * served by the event-stream thread (no ring).
     */
    public static final Route EVENTS = new Route("events", HttpMethod.GET, "/api/canary/events", null, null,
        HttpResponseStatus.OK, Body.NONE);

    private static final String ID = "{id}";

    private final String name;
    private final HttpMethod method;
    private final String template;
    private final CommandType command;
    private final Field pathField;
    private final HttpResponseStatus successStatus;
    private final Body body;
    /** Position in {@link Endpoints#routes()}; set once by {@link Endpoints} while it initializes. */
    int index = -1;

    private Route(
        final String name, final HttpMethod method, final String template, final CommandType command, final Field pathField,
        final HttpResponseStatus successStatus, final Body body)
    {
        this.name = name;
        this.method = method;
        this.template = template;
        this.command = command;
        this.pathField = pathField;
        this.successStatus = successStatus;
        this.body = body;
    }

    /** A read: {@code GET}, no body, 200. */
    public static Route get(final String name, final String template, final CommandType command)
    {
        return new Route(name, HttpMethod.GET, template, command, null, HttpResponseStatus.OK, Body.NONE);
    }

    /** A creation: {@code POST} with a JSON body, 201. */
    public static Route post(final String name, final String template, final CommandType command)
    {
        return new Route(name, HttpMethod.POST, template, command, null, HttpResponseStatus.CREATED, Body.REQUIRED);
    }

    /** A change: {@code PATCH} with a JSON body, 200. */
    public static Route patch(final String name, final String template, final CommandType command)
    {
        return new Route(name, HttpMethod.PATCH, template, command, null, HttpResponseStatus.OK, Body.REQUIRED);
    }

    /** A removal: {@code DELETE}, no body, 200. */
    public static Route delete(final String name, final String template, final CommandType command)
    {
        return new Route(name, HttpMethod.DELETE, template, command, null, HttpResponseStatus.OK, Body.NONE);
    }

    /** @return this route with its {@code {id}} segment read as a public id of {@code field}'s kind into {@code field}. */
    public Route pathId(final Field field)
    {
        return new Route(name, method, template, command, field, successStatus, body);
    }

    /** @return this route answering a success with {@code status} (e.g. a {@code POST} action that creates nothing: 200). */
    public Route answering(final HttpResponseStatus status)
    {
        return new Route(name, method, template, command, pathField, status, body);
    }

    /** @return this route with another body rule. */
    public Route body(final Body rule)
    {
        return new Route(name, method, template, command, pathField, successStatus, rule);
    }

    /** Checks the declaration is whole: called once, when the route joins {@link Endpoints}. */
    void check()
    {
        if (template.contains(ID) != (pathField != null))
        {
            throw new IllegalArgumentException("route=" + name + " template=" + template + " pathField=" + pathField
                + ": a template has an {id} exactly when the route names the field it fills");
        }
        if (pathField != null && pathField.idKind() == null)
        {
            throw new IllegalArgumentException("route=" + name + " pathField=" + pathField + " is not a key");
        }
    }

    /** @return the route's name, lower case ({@code create_purchase}): the {@code route} label of its metrics. */
    public String name()
    {
        return name;
    }

    public HttpMethod method()
    {
        return method;
    }

    /** @return the OpenAPI-style path template, e.g. {@code /api/canary/customers/{id}}. */
    public String template()
    {
        return template;
    }

    /** @return the command the request becomes, or null for a route the request handler answers itself. */
    public CommandType command()
    {
        return command;
    }

    /** @return the command field the path's {@code {id}} fills, or null when the path has none. */
    public Field pathField()
    {
        return pathField;
    }

    /** @return the kind of the id in the path's {@code {id}} segment, or null when the path has none. */
    public IdKind idKind()
    {
        return pathField == null ? null : pathField.idKind();
    }

    /** @return the status of a success. */
    public HttpResponseStatus successStatus()
    {
        return successStatus;
    }

    public Body body()
    {
        return body;
    }

    /** @return true when the route changes state, so it takes an {@code Idempotency-Key}. */
    public boolean changesState()
    {
        return !method.equals(HttpMethod.GET);
    }

    /** @return true when the route needs a merchant's bearer token (every route with a command). */
    public boolean authenticated()
    {
        return command != null;
    }

    /** @return this route's position in {@link Endpoints#routes()}: a dense index for per-route counters. */
    public int index()
    {
        return index;
    }

    @Override
    public String toString()
    {
        return name;
    }
}
