package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledger.http.auth.Tokens;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What every operation shares, checked for each one the document lists: health and the document itself without a
 * token, 401 for every missing or invalid token, 404 for unknown routes, 405 (with an Allow header that names
 * exactly the document's methods for the path), 413 and 415 for every operation with a body, 400 for every bad
 * {@code limit}/{@code offset} of a list, and 403 for a {@code merchantId} query parameter that is not the token's.
 * One dynamic test per operation, so a report names the operations that do not conform.
 */
class ProtocolContractTest extends LedgerApiTest
{
    private static final String ABSENT_ID = ABSENT_CUSTOMER;

    @Test
    void shouldAnswerHealthWithoutAToken()
    {
        final JsonNode health = api.get("/api/canary/health").send().expect(200);
        assertEquals("ok", health.path("status").asText());
    }

    @Test
    void shouldServeExactlyTheDocumentTheClientIsGeneratedFromWithoutAToken() throws IOException
    {
        final LedgerHarness.Reply reply = api.get("/openapi.json").send();
        reply.expect(200);
        final String file = System.getProperty("ledger.openapi.file");
        assertNotNull(file, "surefire sets ledger.openapi.file to the document openapi-generator reads");
        assertArrayEquals(Files.readAllBytes(Path.of(file)), reply.bytes(), "GET /openapi.json must be the generator's input, byte for byte");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(Contract.RESOURCE))
        {
            assertArrayEquals(in.readAllBytes(), reply.bytes(), "and the document the contract tests read");
        }
    }

    @TestFactory
    Stream<DynamicTest> shouldRefuseMissingAndInvalidTokensWith401()
    {
        final long now = System.currentTimeMillis();
        final byte[] otherSecret = "another-secret-that-is-long-enough-0123456789".getBytes(StandardCharsets.UTF_8);
        final Map<String, String> badAuthorizations = Map.of(
            "no token", "",
            "not bearer", "Basic dXNlcjpwYXNz",
            "garbage", "Bearer not.a.jwt",
            "expired", "Bearer " + Tokens.issue(LedgerHarness.SECRET, "m_auth", now - 7_200_000, 3_600_000),
            "other key", "Bearer " + Tokens.issue(otherSecret, "m_auth", now, 3_600_000));
        return authenticatedOperations().map(op -> dynamicTest(op.toString(), () ->
        {
            for (final Map.Entry<String, String> bad : badAuthorizations.entrySet())
            {
                final LedgerHarness.Request request = op.request(api);
                if (!bad.getValue().isEmpty())
                {
                    request.header("Authorization", bad.getValue());
                }
                if (op.hasBody())
                {
                    request.json("{}");
                }
                final LedgerHarness.Reply reply = request.send();
                try
                {
                    reply.expect(401);
                }
                catch (final AssertionError e)
                {
                    throw new AssertionError(bad.getKey() + ": " + e.getMessage(), e);
                }
                assertEquals("Bearer", reply.header("www-authenticate"), bad.getKey());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> shouldRefuseBodiesThatAreNotJsonWith415()
    {
        // a dialect's operation (x-dialect) checks its API key first: without one it is 401 (PaywallDialectTest tries 415)
        return bodyOperations().filter(op -> !op.spec().has("x-dialect")).map(op -> dynamicTest(op.toString(), () ->
        {
            op.request(api).as("m_415").body("text/plain", "{}").send().expect(415);
            op.request(api).as("m_415").body(null, "{}").send().expect(415);
        }));
    }

    @TestFactory
    Stream<DynamicTest> shouldRefuseBodiesLargerThan64KiBWith413()
    {
        final String big = "{\"metadata\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}";
        return bodyOperations().map(op -> dynamicTest(op.toString(), () ->
        {
            // The server answers 413 as soon as it sees the Content-Length and closes the connection, so the client
            // may still be writing the body and see the connection reset instead of the answer: a race of the
            // transport, not an answer, hence a few tries. Any answer that does arrive must be the 413.
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    op.request(api).as("m_413").json(big).via(LedgerHarness.newClient()).send().expect(413);
                    return;
                }
                catch (final java.io.UncheckedIOException ex)
                {
                    if (attempt == 5)
                    {
                        throw ex;
                    }
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> shouldAnswerOtherMethodsWith405AndAnAllowHeaderListingTheDocumentsMethods()
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final Map.Entry<String, JsonNode> path : Contract.document().path("paths").properties())
        {
            final Set<String> documented = new TreeSet<>();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT)));
            final String other = Stream.of("PUT", "DELETE", "PATCH", "POST", "GET").filter(m -> !documented.contains(m)).findFirst().orElseThrow();
            tests.add(dynamicTest(other + " " + path.getKey(), () ->
            {
                final LedgerHarness.Request request = api.request(other, path.getKey(), path.getKey().contains("{id}") ? ABSENT_ID : null).as("m_405");
                if (!other.equals("GET") && !other.equals("DELETE"))
                {
                    request.json("{}");
                }
                final LedgerHarness.Reply reply = request.send();
                reply.expect(405);
                final Set<String> allowed = Arrays.stream(String.valueOf(reply.header("allow")).split(","))
                    .map(String::trim).collect(Collectors.toCollection(TreeSet::new));
                assertEquals(documented, allowed, "Allow");
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> shouldRefuseBadPaginationWith400()
    {
        final Map<String, List<String>> bad = Map.of(
            "limit", List.of("0", "101", "-1", "1.5", "1e1", "abc", "", "9007199254740993"),
            "offset", List.of("-1", "1.5", "abc", ""));
        // a dialect's list (x-dialect: Masumi's) checks its API key first; MasumiDialectTest tries its bad limits
        return operations().filter(op -> op.hasQueryParameter("limit") && !op.spec().has("x-dialect")).map(op -> dynamicTest(op.toString(), () ->
        {
            final String merchant = merchant();
            final String customerId = op.template().contains("{id}") ? idFor(op.template(), merchant) : null;
            api.request(op.method(), op.template(), customerId).as(merchant).query("limit", 100).query("offset", 0).send().expect(200);
            api.request(op.method(), op.template(), customerId).as(merchant).query("limit", 1).query("offset", 1000).send().expect(200);
            bad.forEach((name, values) ->
            {
                for (final String value : values)
                {
                    try
                    {
                        api.request(op.method(), op.template(), customerId).as(merchant).query(name, value).send().expect(400);
                    }
                    catch (final AssertionError e)
                    {
                        throw new AssertionError(name + "=" + value + ": " + e.getMessage(), e);
                    }
                }
            });
        }));
    }

    /** @return an id of {@code merchant}'s that {@code template}'s {@code {id}} names: a purchase's, else a customer's. */
    private static String idFor(final String template, final String merchant)
    {
        final String customer = customer(merchant);
        if (!template.startsWith(PURCHASES + "/"))
        {
            return customer;
        }
        payIn(merchant, customer, 100, "ZAR");
        return purchase(merchant, customer, 100, "ZAR").path("id").asText();
    }

    @TestFactory
    Stream<DynamicTest> shouldRefuseAnotherMerchantsIdInTheQueryWith403()
    {
        return operations().filter(op -> op.hasQueryParameter("merchantId")).map(op -> dynamicTest(op.toString(), () ->
        {
            final String merchant = merchant();
            api.request(op.method(), op.template(), null).as(merchant).query("merchantId", merchant).send().expect(200);
            api.request(op.method(), op.template(), null).as(merchant).query("merchantId", merchant()).send().expect(403);
        }));
    }

    @Test
    void shouldAnswerUnknownRoutesWith404()
    {
        for (final String path : List.of("/", "/api/canary", "/api/canary/nope", "/api/canary/customers/cus_0000000000/nope", "/api/v1/purchases"))
        {
            api.get(path).as("m_404").send().expect(404);
            api.get(path).send().expect(404);
        }
    }

    // ---- the document's operations

    /** An operation of the document: method and path template. */
    record Operation(String method, String template, JsonNode spec)
    {
        boolean hasBody()
        {
            return spec.has("requestBody");
        }

        boolean hasQueryParameter(final String name)
        {
            for (final JsonNode parameter : spec.path("parameters"))
            {
                if ("query".equals(parameter.path("in").asText()) && name.equals(parameter.path("name").asText()))
                {
                    return true;
                }
            }
            return false;
        }

        boolean authenticated()
        {
            return spec.has("security") && !spec.get("security").isEmpty();
        }

        LedgerHarness.Request request(final LedgerHarness api)
        {
            return api.request(method, template, template.contains("{id}") ? ABSENT_ID : null);
        }

        @Override
        public String toString()
        {
            return method + " " + template + " (" + spec.path("operationId").asText() + ")";
        }
    }

    static Stream<Operation> operations()
    {
        final List<Operation> operations = new ArrayList<>();
        Contract.document().path("paths").properties().forEach(path -> path.getValue().properties().forEach(
            op -> operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue()))));
        return operations.stream();
    }

    private static Stream<Operation> authenticatedOperations()
    {
        return operations().filter(Operation::authenticated);
    }

    private static Stream<Operation> bodyOperations()
    {
        return operations().filter(Operation::hasBody);
    }
}
