package io.ledger.http;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Every operation the server answers, with its method and path shape. Path templates are matched by
 * {@link Router}; this enum is also the source of truth for the route list the tests check.
 */
public enum Route
{
    HEALTH(HttpMethod.GET, "/api/canary/health", false),
    CREATE_CUSTOMER(HttpMethod.POST, "/api/canary/customers", true),
    GET_CUSTOMER(HttpMethod.GET, "/api/canary/customers/{id}", true),
    GET_CUSTOMER_BALANCE(HttpMethod.GET, "/api/canary/customers/{id}/balance", true),
    CREATE_PAY_IN(HttpMethod.POST, "/api/canary/customers/{id}/pay-ins", true),
    CREATE_PURCHASE(HttpMethod.POST, "/api/canary/purchases", true);

    private final HttpMethod method;
    private final String template;
    private final boolean authenticated;

    Route(final HttpMethod method, final String template, final boolean authenticated)
    {
        this.method = method;
        this.template = template;
        this.authenticated = authenticated;
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

    /** @return true when the route needs a valid bearer token. */
    public boolean authenticated()
    {
        return authenticated;
    }
}
