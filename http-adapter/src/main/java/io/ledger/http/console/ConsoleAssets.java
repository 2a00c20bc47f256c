package io.ledger.http.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The console's page, script and style sheet: static files bundled in the jar (resources under
 * {@code io/ledger/http/console/}), read once, served with a strict Content-Security-Policy (nothing but this
 * server's own script, style and JSON; no inline script, no framing).
 *
 * <p>Thread-safe: immutable after class initialisation.
 */
public final class ConsoleAssets
{
    /** The page's file name. */
    public static final String PAGE = "index.html";
    /** Everything the page may load: its own files and this server's JSON; no inline script, no frames. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
        + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, String> TYPES = Map.of(
        PAGE, "text/html; charset=utf-8",
        "console.js", "text/javascript; charset=utf-8",
        "console.css", "text/css; charset=utf-8");
    private static final Map<String, byte[]> FILES = load();

    private ConsoleAssets()
    {
    }

    /** @return true when {@code name} is one of the console's files. */
    public static boolean exists(final String name)
    {
        return FILES.containsKey(name);
    }

    /** @return the file as a 200 response with its content type and the console's security headers. */
    public static FullHttpResponse response(final ByteBufAllocator alloc, final String name)
    {
        final byte[] bytes = FILES.get(name);
        if (bytes == null)
        {
            throw new IllegalArgumentException("asset=" + name + " is not one of " + FILES.keySet());
        }
        final FullHttpResponse response = new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, alloc.buffer(bytes.length).writeBytes(bytes));
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, TYPES.get(name))
            .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
            .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        secure(response);
        return response;
    }

    /** Adds the headers every console response carries. */
    public static void secure(final FullHttpResponse response)
    {
        response.headers()
            .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            .set("X-Content-Type-Options", "nosniff")
            .set("Referrer-Policy", "no-referrer")
            .set("X-Frame-Options", "DENY");
    }

    private static Map<String, byte[]> load()
    {
        final java.util.HashMap<String, byte[]> files = new java.util.HashMap<>();
        for (final String name : TYPES.keySet())
        {
            try (InputStream in = ConsoleAssets.class.getResourceAsStream(name))
            {
                if (in == null)
                {
                    throw new IllegalStateException("console asset " + name + " is missing from the jar");
                }
                files.put(name, in.readAllBytes());
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("console asset " + name + " cannot be read", ex);
            }
        }
        return Map.copyOf(files);
    }
}
