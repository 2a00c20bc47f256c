package io.ledger.http;

import static io.ledger.http.Fuzz.forAll;
import static io.ledger.http.Fuzz.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.ledger.engine.IdKind;
import io.ledger.http.endpoint.Endpoints;
import io.ledger.http.endpoint.Route;
import io.ledger.http.endpoint.Router;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input against the real server (Netty, pipeline, Chronicle journal): generated bodies, amounts, query
 * strings, path ids, content types, routes and methods, for every {@link io.ledger.http.endpoint.Route}. Every answer must be a 4xx in the
 * JSON error shape (or, for reads, a 200), never a 5xx, a reset or a hang; and the ledger's state hash must be the
 * same after each property as before it (read after the pipeline's threads have stopped: see
 * {@link HarnessServer#closeAndStateHash()}).
 *
 * <p>Every generated request is invalid by construction (one defect applied to a valid request), so nothing may
 * reach the journal: a journaled refusal would also move the hash, because the hash covers the last command id.
 * Reads are answered by the ledger but journal nothing, so they may use any id.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileInputPropertyTest
{
    private static final String MERCHANT = "fuzz_merchant";
    private static final String OTHER_MERCHANT = "fuzz_other";

    @TempDir
    static Path dataDir;

    private static long stateHashBefore;
    private static String customer1;
    private static String customer2;
    private static String paymentMethod1;
    private static String tokenHeader;

    private HarnessServer server;
    private RawHttp raw;

    /** Seeds every kind of entity, then records the state hash the properties must leave unchanged. */
    @BeforeAll
    static void seed()
    {
        final HarnessServer seeding = new HarnessServer(dataDir);
        customer1 = seeding.createCustomer(MERCHANT, "one@example.com");
        customer2 = seeding.createCustomer(MERCHANT, "two@example.com");
        seeding.createCustomer(OTHER_MERCHANT, "other@example.com");
        expect(201, seeding.post("/api/canary/customers/" + customer1 + "/pay-ins", MERCHANT, "{\"amount\":100000,\"currency\":\"ZAR\"}"));
        expect(201, seeding.post("/api/canary/purchases", MERCHANT,
            "{\"customerId\":\"" + customer1 + "\",\"productId\":\"p1\",\"amount\":5000,\"currency\":\"ZAR\"}"));
        expect(201, seeding.post("/api/canary/transfers", MERCHANT,
            "{\"fromCustomerId\":\"" + customer1 + "\",\"toCustomerId\":\"" + customer2 + "\",\"amount\":700,\"currency\":\"ZAR\"}"));
        expect(201, seeding.post("/api/canary/payouts", MERCHANT, "{\"amount\":300,\"currency\":\"ZAR\",\"metadata\":{}}"));
        final var method = seeding.post("/api/canary/customers/" + customer1 + "/payment-methods", MERCHANT,
            "{\"type\":\"card\",\"provider\":\"visa\",\"last4\":\"4242\"}");
        expect(201, method);
        paymentMethod1 = (String)TestJson.object(method.body()).get("id");
        stateHashBefore = seeding.closeAndStateHash();
        tokenHeader = "Bearer " + TestServer.token(MERCHANT);
    }

    private static void expect(final int status, final java.net.http.HttpResponse<String> response)
    {
        assertEquals(status, response.statusCode(), response.body());
    }

    @BeforeEach
    void start()
    {
        server = new HarnessServer(dataDir, 1024, HttpOptions.DEFAULTS, UnaryOperator.identity());
        raw = new RawHttp(server.port());
    }

    @AfterEach
    void stateIsUnchanged()
    {
        try
        {
            final RawHttp.Response health = raw.exchange("GET", "/api/canary/health", Map.of(), null);
            assertEquals(200, health.status(), "the server still serves after the property");
        }
        finally
        {
            raw.close();
            assertEquals(stateHashBefore, server.closeAndStateHash(), "hostile input changed the ledger's state");
        }
    }

    // ---- the properties

    @Test
    void shouldRefuseEveryHostileBodyWithA4xxAndApplyNothing()
    {
        forAll("hostile bodies", 1200, hostileBody(), this::assertAnswered);
    }

    @Test
    void shouldRefuseEveryHostileAmountWith400()
    {
        final List<BodyRoute> moneyRoutes = bodyRoutes().stream().filter(r -> r.fields.containsKey("amount")).toList();
        forAll("hostile amounts", 400, r ->
        {
            final BodyRoute route = moneyRoutes.get(r.nextInt(moneyRoutes.size()));
            final Map<String, String> fields = new LinkedHashMap<>(route.fields);
            final String amount = hostileAmount().next(r);
            fields.put("amount", amount);
            return route.request("amount " + amount, json(fields), 400);
        }, this::assertAnswered);
    }

    @Test
    void shouldAnswerEveryHostileQueryStringWithoutA5xx()
    {
        final List<String> readPaths = List.of(
            "/api/canary/customers", "/api/canary/customers/" + customer1, "/api/canary/customers/" + customer1 + "/balance",
            "/api/canary/customers/" + customer1 + "/transactions", "/api/canary/customers/" + customer1 + "/payment-methods",
            "/api/canary/payment-methods", "/api/canary/payment-methods/" + paymentMethod1, "/api/canary/transfers",
            "/api/canary/balance", "/api/canary/balance/history", "/api/canary/payouts", "/api/canary/health", "/openapi.json",
            "/metrics");
        forAll("hostile query strings", 800, r ->
        {
            final String path = readPaths.get(r.nextInt(readPaths.size()));
            final StringBuilder query = new StringBuilder();
            final int params = 1 + r.nextInt(4);
            for (int i = 0; i < params; i++)
            {
                query.append(i == 0 ? '?' : '&').append(queryName().next(r));
                if (r.nextInt(8) != 0)
                {
                    query.append('=').append(queryValue().next(r));
                }
            }
            return new Case("query", "GET", path + query, authJson(), null, -1);
        }, this::assertAnswered);
    }

    @Test
    void shouldAnswerEveryOddPathIdWith4xx()
    {
        final List<Route> idRoutes = Endpoints.routes().stream().filter(r -> r.idKind() != null).toList();
        forAll("odd path ids", 600, r ->
        {
            final Route route = idRoutes.get(r.nextInt(idRoutes.size()));
            String id;
            do
            {
                id = oddId().next(r);
            }
            while (route.changesState() && wellFormed(route.idKind(), id)); // a well-formed id would reach the ledger
            final String target = route.template().replace("{id}", id);
            final byte[] body = route.changesState() && !route.method().equals(HttpMethod.DELETE)
                ? validBody(route).getBytes(StandardCharsets.UTF_8) : null;
            return new Case("id", route.method().name(), target, authJson(), body, -1);
        }, c ->
        {
            final RawHttp.Response response = assertAnswered(c);
            assertTrue(response.status() >= 400 || c.method.equals("GET"), () -> "a change with an odd id must be refused: " + response);
        });
    }

    @Test
    void shouldRefuseEveryWrongContentTypeWith415()
    {
        final List<BodyRoute> routes = bodyRoutes();
        final List<String> contentTypes = List.of("", "text/plain", "application/xml", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/jsonx", "application/json-patch+json", "application/problem+json",
            "json", "application/*", "*/*", "text/json", "application /json", "application/json5", "application\u0000json");
        forAll("wrong content types", 150, r ->
        {
            final BodyRoute route = routes.get(r.nextInt(routes.size()));
            final Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", tokenHeader);
            final String type = contentTypes.get(r.nextInt(contentTypes.size()));
            if (r.nextInt(6) != 0)
            {
                headers.put("Content-Type", type);
            }
            return new Case("content-type " + headers.get("Content-Type"), route.method, route.path, headers,
                json(route.fields).getBytes(StandardCharsets.UTF_8), type.indexOf('\u0000') >= 0 ? -1 : 415);
        }, c ->
        {
            final RawHttp.Response response = assertAnswered(c);
            assertTrue(response.status() == 415 || response.status() == 400, response::toString);
        });
    }

    @Test
    void shouldAnswerUnknownRoutesWith404AndWrongMethodsWith405()
    {
        final List<String> methods = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "HEAD", "FOO", "get", "PROPFIND");
        final List<String> paths = new ArrayList<>();
        for (final Route route : Endpoints.routes())
        {
            paths.add(route.template().replace("{id}", route.idKind() == null ? "x" : route.idKind() == IdKind.CUSTOMER ? customer1 : paymentMethod1));
        }
        forAll("routes and methods", 400, r ->
        {
            String path;
            if (r.nextBoolean())
            {
                path = paths.get(r.nextInt(paths.size()));
            }
            else
            {
                path = Fuzz.oneOf("/", "/api", "/api/canary", "/API/CANARY/customers", "/api/canary/customer",
                    "/api/canary/customers/x/y/z", "/api/canary/balance/history/x", "//api/canary/customers", "/api/canary/../canary/balance",
                    "/api/canary/health/", "/api/canary/payment-methods/x/y", "/openapi.json/x", "/metrics/x", "/api/v1/customers",
                    "/api/canary/%2e%2e/balance", "/api/canary/customers;x").next(r);
            }
            String method;
            Router.Match match;
            do
            {
                method = methods.get(r.nextInt(methods.size()));
                match = Router.match(HttpMethod.valueOf(method), new QueryStringDecoder(path).rawPath());
            }
            while (match.found());
            return new Case("route", method, path, Map.of("Authorization", tokenHeader), null, match.methodNotAllowed() ? 405 : 404);
        }, c ->
        {
            final RawHttp.Response response = assertAnswered(c);
            if (response.status() == 405)
            {
                assertNotNull(response.header("allow"), "a 405 names the allowed methods");
            }
        });
    }

    /**
     * A request whose framing is refused (Expect, Transfer-Encoding, Content-Length, repeated fields, Host, version,
     * line folding, chunks, a body past the limit), after zero to three reads pipelined in the same write: the reads
     * are answered first, in order, then the refusal in the JSON error shape, then the connection closes. The
     * refused pay-in and the pay-in hidden in its body are both valid but for the framing: the state hash checked
     * after the property proves that neither ran.
     */
    @Test
    void shouldRefuseEveryHostileFramingInOrderAndNeverRunTheBodyItDeclares()
    {
        final HostileFraming framing = new HostileFraming("/api/canary/customers/" + customer1 + "/pay-ins", tokenHeader,
            "Bearer " + TestServer.token(OTHER_MERCHANT), HttpLimits.BODY_BYTES_MAX_DEFAULT);
        final byte[] read = RawHttp.request("GET", "/api/canary/customers/" + customer1 + "/balance", Map.of("Authorization", tokenHeader), null);
        forAll("hostile framing", 400, r -> new Framed(r.nextInt(4), framing.items(1, 7).next(r)), c ->
        {
            try (Wire wire = new Wire(server.port()))
            {
                final byte[][] parts = new byte[c.readsBefore + 1][];
                java.util.Arrays.fill(parts, 0, c.readsBefore, read);
                parts[c.readsBefore] = c.item.bytes();
                wire.send(parts);
                for (int i = 0; i < c.readsBefore; i++)
                {
                    final RawHttp.Response answer = wire.next();
                    assertEquals(200, answer.status(), () -> "the read before the hostile request comes first: " + answer);
                }
                final RawHttp.Response refused = wire.next();
                HttpFramingTest.assertError(c.item.status(), refused);
                assertTrue(refused.closes(), refused::toString);
                wire.assertClosed();
            }
        });
    }

    /** A hostile request behind {@code readsBefore} reads in one write. */
    record Framed(int readsBefore, HostileFraming.Item item)
    {
    }

    // ---- checking an answer

    /** A request and the status it must get (-1: any 4xx, or a 200 for a read). */
    record Case(String label, String method, String target, Map<String, String> headers, byte[] body, int expectedStatus)
    {
        @Override
        public String toString()
        {
            return label + ": " + method + " " + RawHttp.printable(target.getBytes(StandardCharsets.ISO_8859_1)) + " " + headers.keySet()
                + (headers.containsKey("Content-Type") ? " Content-Type=" + RawHttp.printable(headers.get("Content-Type").getBytes(StandardCharsets.ISO_8859_1)) : "")
                + (body == null ? "" : " body=" + RawHttp.printable(body)) + " expected=" + expectedStatus;
        }
    }

    private RawHttp.Response assertAnswered(final Case c)
    {
        final RawHttp.Response response = raw.exchange(
            RawHttp.request(c.method, c.target, c.headers, c.body), "HEAD".equals(c.method));
        final int status = response.status();
        assertTrue(status < 500, () -> "a 5xx for hostile input: " + response);
        if (c.expectedStatus > 0)
        {
            assertEquals(c.expectedStatus, status, response::toString);
        }
        if (status >= 400)
        {
            assertTrue(status < 500, response::toString);
            assertTrue(response.header("content-type").startsWith("application/json"), response::toString);
            if (!"HEAD".equals(c.method))
            {
                final Map<String, Object> error = TestJson.object(response.bodyText());
                assertEquals(Set.of("statusCode", "message", "error"), error.keySet(), response::toString);
                assertEquals((long)status, error.get("statusCode"));
                assertTrue(error.get("message") instanceof List<?> list && !list.isEmpty(), response::toString);
            }
        }
        else
        {
            assertEquals("GET", c.method, () -> "only a read may succeed: " + response);
            if (!c.target.startsWith("/metrics"))
            {
                assertNotNull(TestJson.parse(response.bodyText()));
            }
        }
        return response;
    }

    // ---- the routes with a body, and a valid body for each

    /** A route that takes a JSON body: a valid body (field -> JSON literal), its required fields and string bounds. */
    private static final class BodyRoute
    {
        final String method;
        final String path;
        final Map<String, String> fields;
        final Set<String> required;
        final Map<String, Integer> maxChars;

        BodyRoute(final String method, final String path, final Map<String, String> fields, final Set<String> required,
            final Map<String, Integer> maxChars)
        {
            this.method = method;
            this.path = path;
            this.fields = fields;
            this.required = required;
            this.maxChars = maxChars;
        }

        Case request(final String label, final String body, final int expectedStatus)
        {
            return request(label, body.getBytes(StandardCharsets.UTF_8), expectedStatus);
        }

        Case request(final String label, final byte[] body, final int expectedStatus)
        {
            return new Case(label, method, path, authJson(), body, expectedStatus);
        }
    }

    private static List<BodyRoute> bodyRoutes()
    {
        final List<BodyRoute> routes = new ArrayList<>();
        routes.add(new BodyRoute("POST", "/api/canary/customers",
            fields("phoneNumber", "\"+27820000009\"", "email", "\"fresh@example.com\"", "name", "\"Fresh\"", "metadata", "{\"a\":1}"),
            Set.of("phoneNumber", "metadata"), Map.of("phoneNumber", 32, "email", 254, "name", 256)));
        routes.add(new BodyRoute("PATCH", "/api/canary/customers/" + customer1,
            fields("email", "\"renamed@example.com\"", "name", "\"Renamed\"", "metadata", "{}"),
            Set.of("metadata"), Map.of("email", 254, "name", 256)));
        routes.add(new BodyRoute("POST", "/api/canary/customers/" + customer1 + "/pay-ins",
            fields("amount", "100", "currency", "\"ZAR\"", "description", "\"till 3\""),
            Set.of("amount", "currency"), Map.of("description", 1024)));
        routes.add(new BodyRoute("POST", "/api/canary/purchases",
            fields("customerId", "\"" + customer1 + "\"", "productId", "\"p2\"", "amount", "100", "currency", "\"ZAR\"", "quantity", "1"),
            Set.of("customerId", "productId", "amount", "currency"), Map.of("productId", 128, "customerId", 128)));
        routes.add(new BodyRoute("POST", "/api/canary/transfers",
            fields("fromCustomerId", "\"" + customer1 + "\"", "toCustomerId", "\"" + customer2 + "\"", "amount", "100",
                "currency", "\"ZAR\"", "description", "\"rent\""),
            Set.of("fromCustomerId", "toCustomerId", "amount", "currency"), Map.of("description", 1024, "fromCustomerId", 128)));
        routes.add(new BodyRoute("POST", "/api/canary/payouts",
            fields("amount", "100", "currency", "\"ZAR\"", "bankAccount", "\"123\"", "metadata", "{}"),
            Set.of("amount", "currency", "metadata"), Map.of("bankAccount", 64)));
        routes.add(new BodyRoute("POST", "/api/canary/customers/" + customer1 + "/payment-methods",
            fields("type", "\"card\"", "provider", "\"visa\"", "brand", "\"visa\"", "last4", "\"1234\"", "expiryMonth", "12",
                "expiryYear", "2030", "isDefault", "false"),
            Set.of("type", "provider", "last4"), Map.of("provider", 64, "brand", 32)));
        return routes;
    }

    private static String validBody(final Route route)
    {
        return switch (route.name())
        {
            case "update_customer" -> "{\"metadata\":{}}";
            case "create_pay_in" -> "{\"amount\":100,\"currency\":\"ZAR\"}";
            case "create_payment_method" -> "{\"type\":\"card\",\"provider\":\"visa\",\"last4\":\"1234\"}";
            default -> "{}";
        };
    }

    private static Map<String, String> fields(final String... namesAndValues)
    {
        final Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2)
        {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    private static String json(final Map<String, String> fields)
    {
        final StringBuilder sb = new StringBuilder("{");
        for (final Map.Entry<String, String> field : fields.entrySet())
        {
            if (sb.length() > 1)
            {
                sb.append(',');
            }
            sb.append('"').append(field.getKey()).append("\":").append(field.getValue());
        }
        return sb.append('}').toString();
    }

    private static Map<String, String> authJson()
    {
        final Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", tokenHeader);
        headers.put("Content-Type", "application/json");
        return headers;
    }

    // ---- generators

    private static final String[] TRAILING_GARBAGE = {"x", "}", "{}", ",", "[]", "null", "0", "\"s\"", " {\"a\":1}", "\u0000", "//c", "]"};
    private static final byte[][] BAD_UTF8 = {
        {(byte)0xFF}, {(byte)0xC3, 0x28}, {(byte)0xC0, (byte)0xAF}, {(byte)0xE0, (byte)0x80, (byte)0xAF},
        {(byte)0xED, (byte)0xA0, (byte)0x80}, {(byte)0xED, (byte)0xBF, (byte)0xBF}, {(byte)0xF8, (byte)0x88, (byte)0x80, (byte)0x80, (byte)0x80},
        {(byte)0x80}, {(byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80}, {(byte)0xE2, (byte)0x82}, {(byte)0xC1, (byte)0xBF}};
    private static final String MARK = "\u0001MARK\u0001";

    /** One defect applied to a valid body of a random route. */
    private static Fuzz.Gen<Case> hostileBody()
    {
        return r ->
        {
            final List<BodyRoute> routes = bodyRoutes();
            final BodyRoute route = routes.get(r.nextInt(routes.size()));
            final Map<String, String> fields = new LinkedHashMap<>(route.fields);
            final List<String> names = new ArrayList<>(fields.keySet());
            final String name = names.get(r.nextInt(names.size()));
            final String valid = json(fields);
            switch (r.nextInt(16))
            {
                case 0:
                {
                    final int cut = r.nextInt(valid.length());
                    return route.request("truncated at " + cut, valid.substring(0, cut), 400);
                }
                case 1:
                    return route.request("trailing garbage", valid + oneOf(TRAILING_GARBAGE).next(r), 400);
                case 2:
                {
                    final List<String> strings = names.stream().filter(n -> fields.get(n).startsWith("\"")).toList();
                    final String field = strings.get(r.nextInt(strings.size()));
                    final String value = fields.get(field);
                    final int at = 1 + r.nextInt(value.length() - 1);
                    fields.put(field, value.substring(0, at) + MARK + value.substring(at));
                    return route.request("invalid UTF-8 in " + field, replaceMark(json(fields), oneOf(BAD_UTF8).next(r)), 400);
                }
                case 3:
                    return route.request("duplicate " + name, valid.substring(0, valid.length() - 1)
                        + ",\"" + name + "\":" + fields.get(name) + "}", 400);
                case 4:
                {
                    fields.put(name, wrongType(fields.get(name)).next(r));
                    return route.request("wrong type for " + name, json(fields), 400);
                }
                case 5:
                    return route.request("array body", r.nextBoolean() ? "[" + valid + "]" : "[]", 400);
                case 6:
                {
                    final int depth = 17 + r.nextInt(40);
                    final String nested = r.nextBoolean() ? "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)
                        : "[".repeat(depth) + "]".repeat(depth);
                    fields.put(fields.containsKey("metadata") && r.nextBoolean() ? "metadata" : "deep", nested);
                    return route.request("nesting " + depth, json(fields), 400);
                }
                case 7:
                {
                    final List<String> required = new ArrayList<>(route.required);
                    final String missing = required.get(r.nextInt(required.size()));
                    fields.remove(missing);
                    return route.request("missing " + missing, json(fields), 400);
                }
                case 8:
                    return route.request("not an object", oneOf("null", "\"str\"", "42", "true", " ", "\n", "{", "}", "{,}", "{\"a\"}",
                        "{\"a\":}", "{'a':1}", "{a:1}", "\u00EF\u00BB\u00BF{}").next(r), 400);
                case 9:
                {
                    fields.put("merchantId", "\"" + OTHER_MERCHANT + "\"");
                    return route.request("another merchant", json(fields), 403);
                }
                case 10:
                {
                    if (route.maxChars.isEmpty())
                    {
                        return route.request("empty body", "", 400);
                    }
                    final List<String> bounded = new ArrayList<>(route.maxChars.keySet());
                    final String field = bounded.get(r.nextInt(bounded.size()));
                    final int length = route.maxChars.get(field) + 1 + r.nextInt(64);
                    fields.put(field, "\"" + "7".repeat(length) + "\"");
                    return route.request(field + " of " + length + " chars", json(fields), 400);
                }
                case 11:
                {
                    final List<String> strings = names.stream().filter(n -> fields.get(n).startsWith("\"")).toList();
                    final String field = strings.get(r.nextInt(strings.size()));
                    final String forbidden = forbiddenText(field.equals("description")).next(r);
                    final String value = fields.get(field);
                    fields.put(field, value.substring(0, value.length() - 1) + forbidden + "\"");
                    return route.request("forbidden text " + RawHttp.printable(forbidden.getBytes(StandardCharsets.UTF_8)) + " in " + field,
                        json(fields), 400);
                }
                case 14:
                {
                    if (!fields.containsKey("metadata"))
                    {
                        return route.request("not UTF-8", notUtf8(valid).next(r), 400);
                    }
                    final boolean inKey = r.nextBoolean(); // a value may hold tab, line feed and carriage return; a key may not
                    final String forbidden = forbiddenText(!inKey).next(r);
                    fields.put("metadata", inKey ? "{\"k" + forbidden + "\":1}" : "{\"a\":[{\"k\":\"v" + forbidden + "\"}]}");
                    return route.request("forbidden text " + RawHttp.printable(forbidden.getBytes(StandardCharsets.UTF_8)) + " in metadata",
                        json(fields), 400);
                }
                case 15:
                    return route.request("not UTF-8", notUtf8(valid).next(r), 400);
                case 12:
                {
                    final String number = oneOf("NaN", "Infinity", "-Infinity", "1e309", "-1e309", "-0", "0", "-1", "1.5", "1e3",
                        "9007199254740992", "99999999999999999999999999999999999999", "0x10", "010", "+1", ".5", "1.", "\"100\"",
                        "null", "true", "-9223372036854775809", "9223372036854775808", "1e-7", "00", "1" + "0".repeat(40)).next(r);
                    final List<String> numeric = names.stream().filter(n -> Character.isDigit(fields.get(n).charAt(0))).toList();
                    // the customer routes have no number: their metadata (an object) gets it
                    final String field = numeric.isEmpty() ? "metadata" : numeric.get(r.nextInt(numeric.size()));
                    fields.put(field, number);
                    return route.request("number " + number + " for " + field, json(fields), 400);
                }
                default:
                {
                    final String unicode = Fuzz.anyChars(1, 40).next(r);
                    fields.put("merchantId", "\"" + escapeJson(unicode) + "\"");
                    // any merchantId but the token's is refused: 403, or 400 when it is not even a valid string
                    final Case c = route.request("merchantId " + unicode, json(fields), -1);
                    return c;
                }
            }
        };
    }

    /**
     * Text a string field must refuse, as it would appear inside a JSON string: a C0 control (raw, which is not even
     * JSON, or escaped; tab, line feed and carriage return only where {@code lineBreaksAllowed} is false), DEL or a C1
     * control (raw or escaped), or an unpaired surrogate escape.
     */
    private static Fuzz.Gen<String> forbiddenText(final boolean lineBreaksAllowed)
    {
        return r ->
        {
            switch (r.nextInt(4))
            {
                case 0:
                    return String.valueOf((char)r.nextInt(0x20));
                case 1:
                {
                    int code;
                    do
                    {
                        code = r.nextInt(0x20);
                    }
                    while (lineBreaksAllowed && (code == '\t' || code == '\n' || code == '\r'));
                    return String.format("\\u%04x", code);
                }
                case 2:
                {
                    final int code = r.nextInt(3) == 0 ? 0x7F : 0x80 + r.nextInt(0x20);
                    return r.nextBoolean() ? String.valueOf((char)code) : String.format("\\u%04X", code);
                }
                default:
                    return oneOf("\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ude00\\ud83d", "\\ud83dx", "\\ud800\\ud800").next(r);
            }
        };
    }

    /** A valid JSON body in an encoding other than UTF-8, or with a byte order mark, or with a NUL byte. */
    private static Fuzz.Gen<byte[]> notUtf8(final String json)
    {
        return r ->
        {
            final byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
            switch (r.nextInt(4))
            {
                case 0:
                    return json.getBytes(java.nio.charset.Charset.forName(oneOf("UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", "UTF-16").next(r)));
                case 1:
                {
                    final byte[] bom = {(byte)0xEF, (byte)0xBB, (byte)0xBF};
                    final byte[] all = new byte[bom.length + utf8.length];
                    System.arraycopy(bom, 0, all, 0, bom.length);
                    System.arraycopy(utf8, 0, all, bom.length, utf8.length);
                    return all;
                }
                case 2:
                {
                    final byte[] all = utf8.clone();
                    all[r.nextInt(all.length)] = 0; // anywhere: in a string, between tokens, at either end
                    return all;
                }
                default:
                {
                    final byte[] all = new byte[utf8.length + 1];
                    System.arraycopy(utf8, 0, all, 0, utf8.length);
                    return all; // a trailing NUL, as a C string would end
                }
            }
        };
    }

    private static Fuzz.Gen<String> wrongType(final String literal)
    {
        if (literal.startsWith("\""))
        {
            return oneOf("5", "true", "null", "[]", "{}", "1.5", "[\"a\"]");
        }
        if (literal.startsWith("{"))
        {
            return oneOf("\"{}\"", "[]", "[{}]", "5", "true", "null");
        }
        if (literal.equals("true") || literal.equals("false"))
        {
            return oneOf("\"true\"", "1", "0", "null", "[]", "{}");
        }
        return oneOf("\"100\"", "true", "null", "[]", "{}", "[100]", "{\"value\":100}");
    }

    private static Fuzz.Gen<String> hostileAmount()
    {
        return Fuzz.oneOfGens(
            oneOf("0", "-0", "-1", "1.5", "1e3", "1E3", "1.0", "9007199254740992", "9223372036854775807", "9223372036854775808",
                "-9223372036854775808", "99999999999999999999999", "NaN", "Infinity", "-Infinity", "\"100\"", "null", "true", "[]",
                "{}", "0x10", "010", "+1", ".5", "1.", "1e309", "4.9e-324", "\"\"", "[100]", "1_000", "１００"),
            r -> Long.toString(-1 - (r.nextLong() & Long.MAX_VALUE)),
            r -> Long.toString(9007199254740992L + (r.nextLong() & 0xFFFFFFFFFFL)),
            r -> r.nextInt(1000) + "." + (1 + r.nextInt(999)),
            r -> (1 + r.nextInt(9)) + "e" + r.nextInt(400),
            r -> Fuzz.strings("0123456789", 20, 45).next(r).replaceFirst("^0+", "1"),
            r -> "\"" + r.nextInt(100000) + "\"");
    }

    private static Fuzz.Gen<String> queryName()
    {
        return Fuzz.oneOfGens(
            oneOf("limit", "offset", "startDate", "endDate", "transactionType", "status", "currency", "email", "search", "customerId",
                "merchantId", "limit", "offset"),
            Fuzz.strings("abcxyz%_[]", 1, 8));
    }

    private static Fuzz.Gen<String> queryValue()
    {
        return Fuzz.oneOfGens(
            oneOf("-1", "0", "1", "100", "101", "1e2", "1.5", "2147483647", "2147483648", "99999999999999999999", "", "+1", "0x10",
                "NaN", "%00", "%ZZ", "%", "%E2%82", "%C3%28", "%FF", "%EF%BC%91", "%2F", "%25", "a%00b", "2026-13-01", "2026-02-30",
                "yesterday", "2026-01-01T25:00:00Z", "9999999999-01-01", "2026-01-01T00:00:00+99:00", "2026-11-22", "purchase",
                "payout", "credit", "debit", "PURCHASE", "completed", "ZAR", "zar", "XYZ", "USD", OTHER_MERCHANT, MERCHANT,
                "x%40y", "cus_0000000000", "cus_", "pm_%2F", "%20", "+", "=", "&&", "%26"),
            r -> percentEncode(Fuzz.anyChars(0, 30).next(r)),
            Fuzz.strings("0123456789-", 1, 25),
            r -> percentEncode("x".repeat(200 + r.nextInt(400))));
    }

    private static Fuzz.Gen<String> oddId()
    {
        return Fuzz.oneOfGens(
            oneOf("%2F", "a%2Fb", "%00", "cus_%00", "%E2%82%AC", "..", ".", "%2E%2E", "cus_", "pm_", "%ZZ", "%", "%E2%82", "%C0%AF",
                "cus_ABCDEFGHIJK", "cus_!!!!!!!!!!", "cus_0000000000%00", "%20", "cus_%20", "null", "undefined", "-1", "0",
                "%FF%FE", "cus_iiiiiiiiii", "cus_uuuuuuuuuu", "cus_0000000000x", "CUS_0000000000"),
            r -> percentEncode(Fuzz.anyChars(1, 40).next(r)),
            r -> "cus_" + "x".repeat(100 + r.nextInt(7000)),
            r -> Fuzz.strings("abcdefghjkmnpqrstvwxyz0123456789_", 1, 20).next(r),
            r -> new String(randomBytes(r, 1, 12), StandardCharsets.ISO_8859_1).replaceAll("[\\s/?#\\x00-\\x1F\\x7F]", "z"));
    }

    private boolean wellFormed(final IdKind kind, final String id)
    {
        try
        {
            return server.ids.parse(kind, QueryStringDecoder.decodeComponent(id)) >= 0;
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
    }

    // ---- bytes and strings

    private static byte[] randomBytes(final SplittableRandom r, final int min, final int max)
    {
        final byte[] bytes = new byte[min + r.nextInt(max - min + 1)];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(0x21 + r.nextInt(0xDF));
        }
        return bytes;
    }

    private static byte[] replaceMark(final String json, final byte[] bad)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        final byte[] mark = MARK.getBytes(StandardCharsets.UTF_8);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i++)
        {
            if (i <= bytes.length - mark.length && java.util.Arrays.equals(bytes, i, i + mark.length, mark, 0, mark.length))
            {
                out.write(bad, 0, bad.length);
                i += mark.length - 1;
            }
            else
            {
                out.write(bytes[i]);
            }
        }
        return out.toByteArray();
    }

    private static String percentEncode(final String text)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte b : text.getBytes(StandardCharsets.UTF_8))
        {
            sb.append('%').append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }

    private static String escapeJson(final String text)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c > 0x7E)
            {
                sb.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
