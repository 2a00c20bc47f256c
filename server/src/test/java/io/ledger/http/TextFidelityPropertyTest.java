package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.ledger.http.endpoint.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text fidelity as a property over the real server: strings of any UTF-16 code units (controls, DEL, C1, tab and
 * line breaks, non-ASCII, pairs and lone surrogates), sent raw or as JSON escapes, in a customer's name, a metadata
 * key and value and a pay-in's description, and metadata numbers of any JSON form. The oracle is the README's rule:
 * a request is accepted exactly when no field breaks it, and what is accepted comes back exactly as it was sent
 * (numbers as the same text), or else it is refused with 400 naming the field.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TextFidelityPropertyTest
{
    private static final String M = "fidelity_merchant";

    @TempDir
    static Path dataDir;

    private static HarnessServer server;
    private static RawHttp raw;
    private static String customer;
    private static Map<String, String> headers;

    @BeforeAll
    static void start()
    {
        server = new HarnessServer(dataDir);
        raw = new RawHttp(server.port());
        customer = server.createCustomer(M, "fidelity@example.com");
        headers = Map.of("Authorization", "Bearer " + TestServer.token(M), "Content-Type", "application/json");
    }

    @AfterAll
    static void stop()
    {
        raw.close();
        server.close();
    }

    /** A string and how it is written inside a JSON string literal. */
    record Text(String value, String json)
    {
        @Override
        public String toString()
        {
            return RawHttp.printable(json.getBytes(StandardCharsets.UTF_8));
        }
    }

    record CustomerCase(Text name, Text key, Text value, String number)
    {
    }

    @Test
    void shouldKeepCustomerTextExactlyOrRefuseItNamingTheField()
    {
        Fuzz.forAll("customer text", 500, r -> new CustomerCase(text(r), text(r), text(r), number(r)), c ->
        {
            final String key = "k" + c.key.value; // never "n", the number's key
            final String body = "{\"phoneNumber\":\"+27820000000\",\"name\":\"" + c.name.json + "\",\"metadata\":{\"k" + c.key.json
                + "\":\"" + c.value.json + "\",\"n\":" + c.number + "}}";
            final RawHttp.Response response = raw.exchange(RawHttp.request("POST", "/api/canary/customers", headers,
                body.getBytes(StandardCharsets.UTF_8)), false);
            final boolean nameOk = RequestParserRules.keeps(c.name.value, false);
            final boolean keyOk = RequestParserRules.keeps(key, false);
            final boolean valueOk = RequestParserRules.keeps(c.value.value, true);
            final boolean numberOk = c.number.length() <= Json.NUMBER_CHARS_MAX;
            if (!(nameOk && keyOk && valueOk && numberOk))
            {
                HttpFramingTest.assertError(400, response);
                // jackson itself refuses a lone surrogate in a field name ("Unexpected low surrogate in field name", "Broken
                // surrogate pair in field name")
                final boolean named = !nameOk && response.bodyText().contains("name must not")
                    || !keyOk && (response.bodyText().contains("metadata keys") || response.bodyText().contains("in field name"))
                    || !valueOk && response.bodyText().contains("metadata values")
                    || !numberOk && response.bodyText().contains("exceeds a limit");
                assertTrue(named, () -> "the message names a field that breaks the rule: " + response);
                return;
            }
            assertEquals(201, response.status(), response::toString);
            final String id = (String)TestJson.object(response.bodyText()).get("id");
            final String read = server.get("/api/canary/customers/" + id, M).body();
            for (final String json : new String[] {response.bodyText(), read})
            {
                final Map<String, Object> customerJson = TestJson.object(json);
                assertEquals(c.name.value, customerJson.get("name"));
                @SuppressWarnings("unchecked")
                final Map<String, Object> metadata = (Map<String, Object>)customerJson.get("metadata");
                assertEquals(java.util.Set.of(key, "n"), metadata.keySet());
                assertEquals(c.value.value, metadata.get(key));
                assertTrue(json.contains(",\"n\":" + c.number + "}"), () -> "the number as it was sent, " + c.number + ": " + json);
            }
        });
    }

    @Test
    void shouldKeepADescriptionExactlyOrRefuseIt()
    {
        Fuzz.forAll("description text", 300, TextFidelityPropertyTest::text, description ->
        {
            final String body = "{\"amount\":1,\"currency\":\"ZAR\",\"description\":\"" + description.json + "\"}";
            final RawHttp.Response response = raw.exchange(RawHttp.request("POST", "/api/canary/customers/" + customer + "/pay-ins", headers,
                body.getBytes(StandardCharsets.UTF_8)), false);
            if (!RequestParserRules.keeps(description.value, true))
            {
                HttpFramingTest.assertError(400, response);
                assertTrue(response.bodyText().contains("description"), response::toString);
                return;
            }
            assertEquals(201, response.status(), response::toString);
            assertEquals(description.value, TestJson.object(response.bodyText()).get("description"));
            final Map<String, Object> history = TestJson.object(
                server.get("/api/canary/customers/" + customer + "/transactions?limit=1", M).body());
            assertEquals(description.value, ((Map<?, ?>)((java.util.List<?>)history.get("data")).get(0)).get("description"));
        });
    }

    // ---- generators

    /** 0 to 12 code units of every kind, each written raw (where JSON and UTF-8 allow it) or escaped. */
    private static Text text(final SplittableRandom r)
    {
        final int length = r.nextInt(13);
        final StringBuilder value = new StringBuilder();
        final StringBuilder json = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            final int kind = r.nextInt(10);
            switch (kind)
            {
                case 0 -> append(value, json, (char)r.nextInt(0x20), r); // C0, tab and line breaks included
                case 1 -> append(value, json, (char)(0x7F + r.nextInt(0x21)), r); // DEL and C1
                case 2 -> append(value, json, (char)(0x20 + r.nextInt(0x5F)), r);
                case 3 -> append(value, json, Fuzz.oneOf('\u00e9', '\u20ac', '\u4e2d', '\u2028', '\ufeff', '\ufffd', '\u00a0', '\u00ad').next(r), r);
                case 4 ->
                {
                    final int codePoint = 0x10000 + r.nextInt(0x100000); // a pair
                    final char[] pair = Character.toChars(codePoint);
                    value.append(pair);
                    if (r.nextBoolean())
                    {
                        json.append(pair);
                    }
                    else
                    {
                        json.append(String.format("\\u%04x\\u%04x", (int)pair[0], (int)pair[1]));
                    }
                }
                case 5 ->
                {
                    final char lone = (char)(0xD800 + r.nextInt(0x800)); // only an escape can carry it
                    value.append(lone);
                    json.append(String.format("\\u%04X", (int)lone));
                }
                default -> append(value, json, (char)('a' + r.nextInt(26)), r);
            }
        }
        return new Text(value.toString(), json.toString());
    }

    private static void append(final StringBuilder value, final StringBuilder json, final char c, final SplittableRandom r)
    {
        value.append(c);
        if (c == '"' || c == '\\')
        {
            json.append('\\').append(c);
        }
        else if (c == '\t' || c == '\n' || c == '\r')
        {
            json.append(r.nextBoolean() ? (c == '\t' ? "\\t" : c == '\n' ? "\\n" : "\\r") : String.format("\\u%04x", (int)c));
        }
        else if (c < 0x20 || r.nextInt(4) == 0)
        {
            json.append(String.format("\\u%04x", (int)c)); // a raw C0 control is not JSON: always escaped
        }
        else
        {
            json.append(c);
        }
    }

    /**
     * A JSON number literal of any form (sign, leading digit, fraction, exponent) of at most 30 chars, or, one time in
     * ten, an integer of 34 digits or more: past the 32-char limit however its length is counted.
     */
    private static String number(final SplittableRandom r)
    {
        final StringBuilder sb = new StringBuilder();
        if (r.nextBoolean())
        {
            sb.append('-');
        }
        if (r.nextInt(10) == 0)
        {
            return sb.append(1 + r.nextInt(9)).append(digits(r, 33 + r.nextInt(8))).toString();
        }
        sb.append(r.nextInt(4) == 0 ? "0" : (1 + r.nextInt(9)) + digits(r, r.nextInt(12)));
        if (r.nextBoolean())
        {
            sb.append('.').append(digits(r, 1 + r.nextInt(10)));
        }
        if (r.nextBoolean())
        {
            sb.append(r.nextBoolean() ? 'e' : 'E').append(Fuzz.oneOf("", "+", "-").next(r)).append(digits(r, 1 + r.nextInt(4)));
        }
        return sb.toString();
    }

    private static String digits(final SplittableRandom r, final int count)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.append((char)('0' + r.nextInt(10)));
        }
        return sb.toString();
    }

    /** The README's text rule, written independently of the parser's. */
    static final class RequestParserRules
    {
        private RequestParserRules()
        {
        }

        static boolean keeps(final String text, final boolean lineBreaksAllowed)
        {
            for (int i = 0; i < text.length(); i++)
            {
                final char c = text.charAt(i);
                final boolean lineBreak = c == '\t' || c == '\n' || c == '\r';
                if (c < 0x20 && !(lineBreaksAllowed && lineBreak) || c >= 0x7F && c <= 0x9F)
                {
                    return false;
                }
                if (Character.isHighSurrogate(c))
                {
                    if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)))
                    {
                        i++;
                        continue;
                    }
                    return false;
                }
                if (Character.isLowSurrogate(c))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
