package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same requests get the same replies on either transport ({@code --transport}); {@code auto} is epoll where it loads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportTest
{
    private static final String M = "transport_merchant";

    @TempDir
    Path dataDir;

    @Test
    void shouldParseTheTransportsTheCommandLineNamesAndRefuseOthers()
    {
        assertEquals(HttpTransport.AUTO, HttpTransport.parse("auto"));
        assertEquals(HttpTransport.EPOLL, HttpTransport.parse("epoll"));
        assertEquals(HttpTransport.NIO, HttpTransport.parse("nio"));
        assertEquals("transport=io_uring must be one of auto, epoll, nio",
            assertThrows(IllegalArgumentException.class, () -> HttpTransport.parse("io_uring")).getMessage());
        assertEquals(Epoll.isAvailable() ? HttpTransport.EPOLL : HttpTransport.NIO, HttpTransport.AUTO.resolve());
        assertEquals(HttpTransport.NIO, HttpTransport.NIO.resolve());
    }

    @Test
    void shouldServeTheSamePurchaseRepliesOnNio()
    {
        servesPurchases(HttpTransport.NIO);
    }

    @Test
    void shouldServeTheSamePurchaseRepliesOnEpollWhereItLoads()
    {
        assumeTrue(Epoll.isAvailable(), "Netty's native epoll does not load here");
        servesPurchases(HttpTransport.EPOLL);
    }

    private void servesPurchases(final HttpTransport transport)
    {
        try (HarnessServer server = new HarnessServer(dataDir, 64, HttpOptions.DEFAULTS.withTransport(transport), UnaryOperator.identity()))
        {
            assertEquals(transport, server.http.transport());
            final String customer = server.createCustomer(M, "t@example.com");
            assertEquals(201, server.post("/api/canary/customers/" + customer + "/pay-ins", M,
                "{\"amount\":1000,\"currency\":\"ZAR\"}").statusCode());
            final HttpResponse<String> bought = server.post("/api/canary/purchases", M,
                "{\"customerId\":\"" + customer + "\",\"productId\":\"p1\",\"amount\":250,\"currency\":\"ZAR\"}");
            assertEquals(201, bought.statusCode(), bought.body());
            assertEquals("application/json", bought.headers().firstValue("content-type").orElseThrow());
            assertEquals(String.valueOf(bought.body().length()), bought.headers().firstValue("content-length").orElseThrow());
            final HttpResponse<String> refused = server.post("/api/canary/purchases", M,
                "{\"customerId\":\"" + customer + "\",\"productId\":\"p1\",\"amount\":5000,\"currency\":\"ZAR\"}");
            assertEquals(402, refused.statusCode());
            assertEquals("{\"statusCode\":402,\"message\":[\"Insufficient customer balance\"],\"error\":\"Payment Required\"}", refused.body());
        }
    }
}
