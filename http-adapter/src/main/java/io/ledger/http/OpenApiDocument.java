package io.ledger.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3 document this server serves at {@code /openapi.json}: a resource in the jar, checked against the routes
 * of {@link io.ledger.http.endpoint.Endpoints} by a test so that it cannot drift from the code, and the file the
 * generated client is built from.
 */
final class OpenApiDocument
{
    static final String RESOURCE = "/io/ledger/http/openapi.json";

    private static final byte[] BYTES = load();

    private OpenApiDocument()
    {
    }

    /** @return the document's bytes (do not modify), or null when the build did not bundle it. */
    static byte[] bytes()
    {
        return BYTES;
    }

    private static byte[] load()
    {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE))
        {
            return in == null ? null : in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
