package io.ledger.http;

import io.ledger.engine.IdKind;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Every operation the server answers, with its method and path shape. Path templates are matched by
 * {@link Router}; this enum is also the source of truth for the route list the tests check.
 */
public enum Route
{
    /** Readiness: the ledger's real state, 503 when it cannot serve ({@link HealthCheck}). */
    HEALTH(HttpMethod.GET, "/api/canary/health", false),
    /** Liveness: 200 whenever the server answers at all ({@link HealthCheck}). */
    LIVENESS(HttpMethod.GET, "/health/live", false),
    OPENAPI(HttpMethod.GET, "/openapi.json", false),
    /** Prometheus text format 0.0.4; whether it needs a token is the server's {@code --metrics} option. */
    METRICS(HttpMethod.GET, "/metrics", false),

    CREATE_CUSTOMER(HttpMethod.POST, "/api/canary/customers", true),
    LIST_CUSTOMERS(HttpMethod.GET, "/api/canary/customers", true),
    GET_CUSTOMER(HttpMethod.GET, "/api/canary/customers/{id}", true),
    UPDATE_CUSTOMER(HttpMethod.PATCH, "/api/canary/customers/{id}", true),
    GET_CUSTOMER_BALANCE(HttpMethod.GET, "/api/canary/customers/{id}/balance", true),
    LIST_CUSTOMER_TRANSACTIONS(HttpMethod.GET, "/api/canary/customers/{id}/transactions", true),
    CREATE_PAY_IN(HttpMethod.POST, "/api/canary/customers/{id}/pay-ins", true),
    LIST_CUSTOMER_PAYMENT_METHODS(HttpMethod.GET, "/api/canary/customers/{id}/payment-methods", true),
    CREATE_PAYMENT_METHOD(HttpMethod.POST, "/api/canary/customers/{id}/payment-methods", true),

    LIST_PAYMENT_METHODS(HttpMethod.GET, "/api/canary/payment-methods", true),
    GET_PAYMENT_METHOD(HttpMethod.GET, "/api/canary/payment-methods/{id}", true),
    DELETE_PAYMENT_METHOD(HttpMethod.DELETE, "/api/canary/payment-methods/{id}", true),

    CREATE_PURCHASE(HttpMethod.POST, "/api/canary/purchases", true),
    CREATE_TRANSFER(HttpMethod.POST, "/api/canary/transfers", true),
    LIST_TRANSFERS(HttpMethod.GET, "/api/canary/transfers", true),

    GET_MERCHANT_BALANCE(HttpMethod.GET, "/api/canary/balance", true),
    LIST_BALANCE_HISTORY(HttpMethod.GET, "/api/canary/balance/history", true),
    CREATE_PAYOUT(HttpMethod.POST, "/api/canary/payouts", true),
    LIST_PAYOUTS(HttpMethod.GET, "/api/canary/payouts", true);

    private final HttpMethod method;
    private final String template;
    private final boolean authenticated;
    private final boolean list;

    Route(final HttpMethod method, final String template, final boolean authenticated)
    {
        this.method = method;
        this.template = template;
        this.authenticated = authenticated;
        this.list = name().startsWith("LIST_");
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

    /** @return the kind of the id in the path's {@code {id}} segment, or null when the path has none. */
    public IdKind idKind()
    {
        if (!template.contains("{id}"))
        {
            return null;
        }
        return template.startsWith("/api/canary/payment-methods/") ? IdKind.PAYMENT_METHOD : IdKind.CUSTOMER;
    }

    /** @return true when a success creates something (201 Created) rather than reads or changes it (200 OK). */
    public boolean creates()
    {
        return method.equals(HttpMethod.POST);
    }

    /** @return true when the route answers a page: {@code {data, pagination}}. */
    public boolean list()
    {
        return list;
    }

    /** @return true when the route changes state, so it takes an {@code Idempotency-Key} and a JSON body. */
    public boolean changesState()
    {
        return !method.equals(HttpMethod.GET);
    }

    /** @return true when the route needs a valid bearer token. */
    public boolean authenticated()
    {
        return authenticated;
    }
}
