package io.ledger.http;

import static io.ledger.http.Fuzz.oneOf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates requests whose framing the server must refuse, each built around a pay-in that would be valid but for the
 * one defect, and whose body (declared or not) is itself a whole, valid pay-in of a marker amount: the request the
 * attacker hopes the server will run. Whatever the defect, the server must answer with the expected status in the
 * JSON error shape and close the connection; neither pay-in may ever reach the ledger.
 */
final class HostileFraming
{
    /** One hostile request: what it is, its bytes, and the status it must get. */
    record Item(String label, byte[] bytes, int status)
    {
        @Override
        public String toString()
        {
            return label + " -> " + status + ": " + RawHttp.printable(bytes);
        }
    }

    private final String path;
    private final String authorization;
    private final String otherAuthorization;
    private final int bodyBytesMax;

    /**
     * @param path               a pay-in route, {@code /api/canary/customers/{id}/pay-ins}.
     * @param authorization      its {@code Authorization} value.
     * @param otherAuthorization another merchant's.
     * @param bodyBytesMax       the server's body limit.
     */
    HostileFraming(final String path, final String authorization, final String otherAuthorization, final int bodyBytesMax)
    {
        this.path = path;
        this.authorization = authorization;
        this.otherAuthorization = otherAuthorization;
        this.bodyBytesMax = bodyBytesMax;
    }

    /** @return a whole, valid pay-in of {@code amount}: what a hostile body hides. */
    byte[] payIn(final long amount)
    {
        final String json = json(amount);
        return ascii("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + authorization
            + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length() + "\r\n\r\n" + json);
    }

    static String json(final long amount)
    {
        return "{\"amount\":" + amount + ",\"currency\":\"ZAR\"}";
    }

    /** @return hostile requests whose hidden pay-ins are of {@code outerAmount} and {@code smuggledAmount}. */
    Fuzz.Gen<Item> items(final long outerAmount, final long smuggledAmount)
    {
        return r ->
        {
            final String json = json(outerAmount);
            final String smuggled = new String(payIn(smuggledAmount), StandardCharsets.ISO_8859_1);
            final String chunked = chunk(json) + "0\r\n\r\n";
            switch (r.nextInt(14))
            {
                case 0:
                {
                    final String expect = oneOf("teapot", "100-continue, foo", "100-continued", "", "200-ok", "100-continue;x=1",
                        "continue").next(r);
                    final List<String> lines = lines("Expect: " + expect, "Content-Length: " + (json.length() + smuggled.length()));
                    if (r.nextBoolean())
                    {
                        lines.add("Expect: 100-continue"); // a second Expect field, even a good one, is refused too
                    }
                    return item("Expect " + expect, head("HTTP/1.1", lines, r) + json + smuggled, 417);
                }
                case 1:
                {
                    final long declared = bodyBytesMax + 1 + r.nextInt(10 * bodyBytesMax);
                    final List<String> lines = lines("Content-Length: " + declared);
                    if (r.nextBoolean())
                    {
                        lines.add("Expect: 100-continue");
                    }
                    return item("Content-Length " + declared + " over the limit", head("HTTP/1.1", lines, r) + smuggled, 413);
                }
                case 2:
                {
                    final String chunk = Integer.toHexString(1024) + "\r\n" + " ".repeat(1024) + "\r\n";
                    final int chunks = bodyBytesMax / 1024 + 1 + r.nextInt(3);
                    return item("chunked past the limit", head("HTTP/1.1", lines("Transfer-Encoding: chunked"), r)
                        + chunk.repeat(chunks) + "0\r\n\r\n" + smuggled, 413);
                }
                case 3:
                {
                    final String te = oneOf("xchunked", "gzip", "identity", "chunked, gzip", "gzip, chunked", "chunked, chunked",
                        "chunked;q=1", "\"chunked\"", "chunk", "deflate", "compress", "chunked x").next(r);
                    final boolean withLength = r.nextBoolean();
                    final List<String> lines = lines("Transfer-Encoding: " + te);
                    if (withLength)
                    {
                        lines.add("Content-Length: " + json.length());
                    }
                    return item("Transfer-Encoding " + te + (withLength ? " with Content-Length" : ""),
                        head("HTTP/1.1", lines, r) + (withLength ? json : chunked) + smuggled, 400);
                }
                case 4:
                {
                    final int variant = r.nextInt(4);
                    final List<String> lines = switch (variant)
                    {
                        case 0 -> lines("Transfer-Encoding: chunked", "Content-Length: " + chunked.length());
                        case 1 -> lines("Transfer-Encoding: chunked", "Transfer-Encoding: chunked");
                        case 2 -> lines("Content-Length: " + chunked.length(), "Transfer-Encoding: chunked");
                        default -> lines("Transfer-Encoding: chunked", "Transfer-Encoding: identity");
                    };
                    return item("Transfer-Encoding smuggling " + variant, head("HTTP/1.1", lines, r) + chunked + smuggled, 400);
                }
                case 5:
                {
                    final boolean keepAlive = r.nextBoolean();
                    final List<String> lines = lines("Transfer-Encoding: chunked");
                    if (keepAlive)
                    {
                        lines.add("Connection: keep-alive");
                    }
                    if (r.nextBoolean())
                    {
                        lines.add("Content-Length: " + chunked.length());
                    }
                    return item("Transfer-Encoding in HTTP/1.0", head("HTTP/1.0", lines, r) + chunked + smuggled, 400);
                }
                case 6:
                {
                    final String first = oneOf(Integer.toString(json.length()), "2", "0").next(r);
                    final String second = oneOf(Integer.toString(json.length()), Integer.toString(json.length() + smuggled.length())).next(r);
                    final String version = oneOf("HTTP/1.1", "HTTP/1.0").next(r);
                    final List<String> lines = r.nextBoolean()
                        ? lines("Content-Length: " + first, "Content-Length: " + second)
                        : lines("Content-Length: " + oneOf(first + ", " + second, "+" + json.length(), "-1", "0x10", json.length() + " 1",
                            json.length() + "x", "1e2", "", "99999999999999999999").next(r));
                    if (version.equals("HTTP/1.0"))
                    {
                        lines.add("Connection: keep-alive");
                    }
                    return item("Content-Length " + lines, head(version, lines, r) + json + smuggled, 400);
                }
                case 7:
                {
                    final int variant = r.nextInt(5);
                    final List<String> lines = switch (variant)
                    {
                        case 0 -> lines("Authorization: " + otherAuthorization);
                        case 1 -> lines("Authorization: " + authorization);
                        case 2 -> lines("Idempotency-Key: a", "Idempotency-Key: b");
                        case 3 -> lines("Content-Type: application/json");
                        default -> lines("Host: other.example");
                    };
                    lines.add("Content-Length: " + json.length());
                    return item("repeated field " + lines.get(0), head("HTTP/1.1", lines, r) + json + smuggled, 400);
                }
                case 8:
                {
                    final String host = oneOf("", "a b", "a/b", "user@host", "h\u00e9st", "a\tb", "x?y", "x#y").next(r);
                    final StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\n");
                    if (!host.isEmpty())
                    {
                        head.append("Host: ").append(host).append("\r\n");
                    }
                    head.append("Authorization: ").append(authorization).append("\r\nContent-Type: application/json\r\nContent-Length: ")
                        .append(json.length()).append("\r\n\r\n");
                    return item("Host " + (host.isEmpty() ? "missing" : host), head + json + smuggled, 400);
                }
                case 9:
                {
                    final String version = oneOf("HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "HTTP/3.0", "http/1.1", "HTTP/1.1 ", "HTTP/11", "HTTP/1",
                        "HTTPS/1.1", "HTTP/1.1x").next(r);
                    return item("version " + version, head(version, lines("Content-Length: " + json.length()), r) + json + smuggled, 400);
                }
                case 10:
                {
                    final String folded = oneOf("Content-Type: application/json\r\n charset=utf-8",
                        "Transfer-Encoding:\r\n chunked", "X-A: 1\r\n\tX-B: 2", "X-A: 1\r\n Content-Length: 3",
                        "Authorization: Bearer\r\n x").next(r);
                    return item("obsolete line folding", head("HTTP/1.1", lines(folded, "Content-Length: " + json.length()), r)
                        + json + smuggled, 400);
                }
                case 12:
                {
                    final String line = oneOf("POST  " + path + " HTTP/1.1", "POST " + path + "  HTTP/1.1", "POST\t" + path + " HTTP/1.1",
                        "POST " + path + "\tHTTP/1.1", " POST " + path + " HTTP/1.1", "\tPOST " + path + " HTTP/1.1",
                        "POST " + path + " HTTP/1.1 ", "POST " + path + "\u000bHTTP/1.1", "POST " + path + "\u000cHTTP/1.1",
                        "POST " + path + "\rHTTP/1.1", "\u0000POST " + path + " HTTP/1.1", "POST " + path + "?a=b c HTTP/1.1",
                        "POST " + path + "\u00a0HTTP/1.1", "POST /api/canary/customers/%2e%2e" + path.substring(path.lastIndexOf('/'))
                            + "\u0001 HTTP/1.1").next(r);
                    final String head = head("HTTP/1.1", lines("Content-Length: " + json.length()), r);
                    return item("request line " + line, line + head.substring(head.indexOf("\r\n")) + json + smuggled, 400);
                }
                default:
                {
                    final String chunks = oneOf("zz\r\n" + json + "\r\n0\r\n\r\n",
                        Integer.toHexString(json.length()) + "\r\n" + json + "XX0\r\n\r\n",
                        "-" + Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n",
                        "1" + "0".repeat(9000) + "\r\n",
                        "ffffffffffff\r\n" + json,
                        Integer.toHexString(json.length()) + "\n" + json + "\n0\n\n",
                        " " + Integer.toHexString(json.length()) + " x\r\n" + json + "\r\n0\r\n\r\n").next(r);
                    return item("malformed chunk", head("HTTP/1.1", lines("Transfer-Encoding: chunked"), r) + chunks + smuggled, 400);
                }
            }
        };
    }

    /** The head of a pay-in with {@code lines}, the usual fields in a random order among them. */
    private String head(final String version, final List<String> lines, final SplittableRandom r)
    {
        final List<String> all = new ArrayList<>(lines);
        all.add(r.nextInt(all.size() + 1), "Host: localhost");
        all.add(r.nextInt(all.size() + 1), "Authorization: " + authorization);
        all.add(r.nextInt(all.size() + 1), "Content-Type: application/json");
        final StringBuilder head = new StringBuilder("POST " + path + " " + version + "\r\n");
        for (final String line : all)
        {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static String chunk(final String data)
    {
        return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
    }

    private static List<String> lines(final String... lines)
    {
        return new ArrayList<>(List.of(lines));
    }

    private static Item item(final String label, final String bytes, final int status)
    {
        return new Item(label, ascii(bytes), status);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
