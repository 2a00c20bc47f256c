package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger returns exactly what it was given, or refuses it: bodies are UTF-8 only, control characters and lone
 * surrogates are refused where the README says so, and metadata numbers keep their JSON text, through the journal
 * and a restart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TextFidelityTest
{
    private static final String M = "text_merchant";
    private static final Map<String, String> JSON_AUTH = Map.of("Authorization", "Bearer " + TestServer.token(M),
        "Content-Type", "application/json");

    @TempDir
    Path dataDir;

    private HarnessServer server;
    private RawHttp raw;
    private String customer;

    @BeforeEach
    void start()
    {
        server = new HarnessServer(dataDir);
        raw = new RawHttp(server.port());
        customer = server.createCustomer(M, "text@example.com");
    }

    @AfterEach
    void stop()
    {
        raw.close();
        server.close();
    }

    @Test
    void shouldRefuseABodyInAnyEncodingButUtf8()
    {
        final String json = "{\"phoneNumber\":\"+27820000001\",\"metadata\":{}}";
        for (final String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", "UTF-16"))
        {
            final RawHttp.Response response = post("/api/canary/customers", json.getBytes(Charset.forName(charset)));
            HttpFramingTest.assertError(400, response);
        }
        final byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        final byte[] bom = Wire.concat(new byte[] {(byte)0xEF, (byte)0xBB, (byte)0xBF}, utf8);
        HttpFramingTest.assertError(400, post("/api/canary/customers", bom));
        HttpFramingTest.assertError(400, post("/api/canary/customers", Wire.concat(utf8, new byte[] {0})));
        assertEquals(1, customers(), "nothing was created");
        assertEquals(201, post("/api/canary/customers", utf8).status(), "the same body in UTF-8 is accepted");
    }

    @Test
    void shouldRefuseABodyDeclaredInACharsetOtherThanUtf8With415()
    {
        final byte[] json = "{\"phoneNumber\":\"+27820000001\",\"metadata\":{}}".getBytes(StandardCharsets.UTF_8);
        for (final String type : List.of("application/json; charset=utf-16", "application/json;charset=ISO-8859-1",
            "application/json; charset=\"utf-32\"", "application/json; x=1; charset=latin1"))
        {
            final RawHttp.Response response = raw.exchange(RawHttp.request("POST", "/api/canary/customers",
                Map.of("Authorization", JSON_AUTH.get("Authorization"), "Content-Type", type), json), false);
            HttpFramingTest.assertError(415, response);
        }
        for (final String type : List.of("application/json; charset=utf-8", "Application/JSON;Charset=\"UTF-8\"", "application/json;charset=utf8",
            "application/json; x=1"))
        {
            final RawHttp.Response response = raw.exchange(RawHttp.request("POST", "/api/canary/customers",
                Map.of("Authorization", JSON_AUTH.get("Authorization"), "Content-Type", type), json), false);
            assertEquals(201, response.status(), type + " -> " + response);
        }
    }

    @Test
    void shouldRefuseControlCharactersInEveryStringFieldNamingIt()
    {
        final String payIns = "/api/canary/customers/" + customer + "/pay-ins";
        for (final String bad : List.of("\\u0000", "\\u001b", "\\u007f", "\u007f", "\\u0085", "\u0085", "\\u009f", "\u009b", "\\u0008"))
        {
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+2782\",\"name\":\"a" + bad + "b\",\"metadata\":{}}", "name");
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+27" + bad + "82\",\"metadata\":{}}", "phoneNumber");
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+2782\",\"metadata\":{\"k\":\"v" + bad + "\"}}", "metadata");
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+2782\",\"metadata\":{\"k" + bad + "\":\"v\"}}", "metadata");
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+2782\",\"metadata\":{\"a\":[{\"b\":\"" + bad + "\"}]}}", "metadata");
            expectRefused(payIns, "{\"amount\":1,\"currency\":\"ZAR\",\"description\":\"x" + bad + "\"}", "description");
            expectRefused("/api/canary/purchases", "{\"customerId\":\"" + customer + "\",\"productId\":\"p" + bad + "\",\"amount\":1,"
                + "\"currency\":\"ZAR\"}", "productId");
            expectRefused("/api/canary/payouts", "{\"amount\":1,\"currency\":\"ZAR\",\"bankAccount\":\"1" + bad + "\",\"metadata\":{}}",
                "bankAccount");
        }
        for (final String whitespace : List.of("\\t", "\\n", "\\r"))
        {
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+2782\",\"name\":\"a" + whitespace + "b\",\"metadata\":{}}", "name");
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+2782\",\"metadata\":{\"k" + whitespace + "\":\"v\"}}", "metadata");
        }
        assertEquals(1, customers());
        assertEquals(0L, TestJson.object(server.get("/api/canary/customers/" + customer + "/balance", M).body()).get("amount"));
    }

    @Test
    void shouldKeepTabLineFeedAndCarriageReturnInDescriptionsAndMetadataValuesExactly()
    {
        final String text = "line one\r\n\tline two\nend\r";
        final RawHttp.Response payIn = post("/api/canary/customers/" + customer + "/pay-ins",
            ("{\"amount\":5,\"currency\":\"ZAR\",\"description\":\"line one\\r\\n\\tline two\\nend\\r\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(201, payIn.status(), payIn::toString);
        assertEquals(text, TestJson.object(payIn.bodyText()).get("description"));
        assertTrue(payIn.bodyText().contains("\"line one\\r\\n\\tline two\\nend\\r\""), "escaped in the JSON it returns: " + payIn);

        final RawHttp.Response created = post("/api/canary/customers",
            "{\"phoneNumber\":\"+2782\",\"metadata\":{\"note\":\"line one\\r\\n\\tline two\\nend\\r\"}}".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, created.status(), created::toString);
        final String id = (String)TestJson.object(created.bodyText()).get("id");
        @SuppressWarnings("unchecked")
        final Map<String, Object> metadata = (Map<String, Object>)TestJson.object(
            server.get("/api/canary/customers/" + id, M).body()).get("metadata");
        assertEquals(text, metadata.get("note"));

        final Map<String, Object> history = TestJson.object(
            server.get("/api/canary/customers/" + customer + "/transactions", M).body());
        assertEquals(text, ((Map<?, ?>)((List<?>)history.get("data")).get(0)).get("description"));
    }

    @Test
    void shouldRefuseLoneSurrogatesAndKeepPairsExactly()
    {
        for (final String lone : List.of("\\ud800", "\\udc00", "a\\ud83d", "\\ude00\\ud83d", "\\ud800\\ud800"))
        {
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+2782\",\"name\":\"" + lone + "\",\"metadata\":{}}", "name");
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+2782\",\"metadata\":{\"k\":\"" + lone + "\"}}", "metadata");
            expectRefused("/api/canary/customers", "{\"phoneNumber\":\"+2782\",\"metadata\":{\"" + lone + "\":1}}", "metadata");
            expectRefused("/api/canary/customers/" + customer + "/pay-ins",
                "{\"amount\":1,\"currency\":\"ZAR\",\"description\":\"" + lone + "\"}", "description");
        }
        assertEquals(1, customers());

        final RawHttp.Response created = post("/api/canary/customers",
            "{\"phoneNumber\":\"+2782\",\"name\":\"\\ud83d\\ude00 \u00e9\u20ac\ud83d\ude01\",\"metadata\":{\"\\ud83d\\ude00\":\"\\ud83d\\ude01\"}}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(201, created.status(), created::toString);
        final Map<String, Object> customerJson = TestJson.object(
            server.get("/api/canary/customers/" + TestJson.object(created.bodyText()).get("id"), M).body());
        assertEquals("\ud83d\ude00 \u00e9\u20ac\ud83d\ude01", customerJson.get("name"));
        assertEquals(Map.of("\ud83d\ude00", "\ud83d\ude01"), customerJson.get("metadata"));
    }

    @Test
    void shouldKeepMetadataNumbersAsTheirExactTextThroughARestart()
    {
        final String metadata = "{\"big\":1e400,\"tiny\":1.5e-400,\"negativeZero\":-0,\"trailingZero\":1.50,\"upper\":1E+2,"
            + "\"huge\":123456789012345678901234567890,\"negative\":-7,\"list\":[1e400,0.1,-0.0],\"nested\":{\"x\":2.5E-10}}";
        final RawHttp.Response created = post("/api/canary/customers",
            ("{\"phoneNumber\":\"+2782\",\"metadata\":" + metadata + "}").getBytes(StandardCharsets.UTF_8));
        assertEquals(201, created.status(), created::toString);
        assertTrue(created.bodyText().contains("\"metadata\":" + metadata), "created: " + created.bodyText());
        final String id = (String)TestJson.object(created.bodyText()).get("id");
        final String read = server.get("/api/canary/customers/" + id, M).body();
        assertTrue(read.contains("\"metadata\":" + metadata), "read back: " + read);

        final RawHttp.Response updated = send("PATCH", "/api/canary/customers/" + id,
            "{\"metadata\":{\"n\":-1.0e-5,\"m\":9007199254740993}}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, updated.status(), updated::toString);
        assertTrue(updated.bodyText().contains("\"metadata\":{\"n\":-1.0e-5,\"m\":9007199254740993}"), updated::toString);

        raw.close();
        server.close();
        server = new HarnessServer(dataDir); // replays the journal: the stored text is the text returned
        raw = new RawHttp(server.port());
        final String replayed = server.get("/api/canary/customers/" + id, M).body();
        assertTrue(replayed.contains("\"metadata\":{\"n\":-1.0e-5,\"m\":9007199254740993}"), "after replay: " + replayed);
    }

    @Test
    void shouldRefuseAMetadataNumberLongerThanTheLimit()
    {
        final RawHttp.Response response = post("/api/canary/customers",
            ("{\"phoneNumber\":\"+2782\",\"metadata\":{\"n\":1" + "0".repeat(40) + "}}").getBytes(StandardCharsets.UTF_8));
        HttpFramingTest.assertError(400, response);
    }

    // ---- helpers

    private void expectRefused(final String path, final String json, final String field)
    {
        final RawHttp.Response response = post(path, json.getBytes(StandardCharsets.UTF_8));
        HttpFramingTest.assertError(400, response);
        assertTrue(response.bodyText().contains(field), () -> "the message names " + field + ": " + json + " -> " + response);
    }

    private RawHttp.Response post(final String path, final byte[] body)
    {
        return send("POST", path, body);
    }

    private RawHttp.Response send(final String method, final String path, final byte[] body)
    {
        return raw.exchange(RawHttp.request(method, path, JSON_AUTH, body), false);
    }

    private long customers()
    {
        @SuppressWarnings("unchecked")
        final Map<String, Object> pagination = (Map<String, Object>)TestJson.object(
            server.get("/api/canary/customers?limit=1", M).body()).get("pagination");
        return (Long)pagination.get("total");
    }
}
