package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.http.endpoint.Endpoints;
import io.ledger.http.endpoint.Router;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A connection's remembered route is the router's own for every method and path, repeated, alternated or unmatched. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RouteMemoTest
{
    private final Router router = Endpoints.router();
    private final RouteMemo memo = new RouteMemo(router);

    @Test
    void shouldAnswerAsTheRouterForEverySequenceOfRequests()
    {
        final List<Object[]> requests = List.of(
            new Object[] {HttpMethod.POST, "/api/canary/purchases"},
            new Object[] {HttpMethod.POST, "/api/canary/purchases"},
            new Object[] {HttpMethod.GET, "/api/canary/purchases"},
            new Object[] {HttpMethod.GET, "/api/canary/purchases/pur_1"},
            new Object[] {HttpMethod.GET, "/api/canary/purchases/pur_2"},
            new Object[] {HttpMethod.POST, "/api/canary/purchases/pur_2/release"},
            new Object[] {HttpMethod.DELETE, "/api/canary/purchases"},
            new Object[] {HttpMethod.POST, "/api/canary/purchases"},
            new Object[] {HttpMethod.POST, "/nowhere"},
            new Object[] {HttpMethod.POST, "/nowhere"},
            new Object[] {HttpMethod.POST, "/api/canary/purchases/"},
            new Object[] {HttpMethod.POST, "/api/canary/purchases"},
            new Object[] {HttpMethod.GET, "/api/canary/purchases/pur_1"});
        for (int round = 0; round < 2; round++)
        {
            for (final Object[] request : requests)
            {
                final HttpMethod method = (HttpMethod)request[0];
                final String path = (String)request[1];
                assertSame(router.find(method, path), memo.find(method, path), method + " " + path);
            }
        }
        assertNull(memo.find(HttpMethod.PUT, "/api/canary/purchases"), "a method no route has");
    }
}
