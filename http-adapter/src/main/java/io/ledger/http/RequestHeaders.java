package io.ledger.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;

/**
 * A request's header fields, with Netty's name and value validation, that count as the decoder adds them the fields
 * whose repetition changes what a request means. They are counted while the decoder adds them, before it normalizes
 * anything: Netty collapses two {@code Content-Length} fields of an HTTP/1.0 request into one, and removes
 * {@code Content-Length} next to {@code Transfer-Encoding: chunked}, so a later look at the headers cannot see that
 * they were there. {@link FramingHandler} reads the counts once the header block is complete; nothing iterates the
 * headers a second time.
 *
 * <p>Thread-safety: one instance per request, event loop only.
 */
final class RequestHeaders extends DefaultHttpHeaders
{
    /** Creates the headers of every request the decoder makes. */
    static final HttpHeadersFactory FACTORY = new HttpHeadersFactory()
    {
        @Override
        public HttpHeaders newHeaders()
        {
            return new RequestHeaders();
        }

        @Override
        public HttpHeaders newEmptyHeaders()
        {
            return new RequestHeaders();
        }
    };

    private static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("idempotency-key");
    private static final AsciiString CONTENT_LENGTH_UNDERSCORE = AsciiString.cached("content_length");
    private static final AsciiString TRANSFER_ENCODING_UNDERSCORE = AsciiString.cached("transfer_encoding");

    int contentLengthFields;
    int transferEncodingFields;
    int hostFields;
    int authorizationFields;
    int expectFields;
    int contentTypeFields;
    int idempotencyKeyFields;
    /** {@code Content_Length} or {@code Transfer_Encoding}: a proxy that maps '_' to '-' would frame by it. */
    int framingLookalikeFields;

    RequestHeaders()
    {
        super(true);
    }

    /** The decoder adds every field through this method. */
    @Override
    public HttpHeaders add(final CharSequence name, final Object value)
    {
        count(name);
        return super.add(name, value);
    }

    private void count(final CharSequence name)
    {
        switch (name.length())
        {
            case 4 -> hostFields += is(name, HttpHeaderNames.HOST);
            case 6 -> expectFields += is(name, HttpHeaderNames.EXPECT);
            case 12 -> contentTypeFields += is(name, HttpHeaderNames.CONTENT_TYPE);
            case 13 -> authorizationFields += is(name, HttpHeaderNames.AUTHORIZATION);
            case 14 ->
            {
                contentLengthFields += is(name, HttpHeaderNames.CONTENT_LENGTH);
                framingLookalikeFields += is(name, CONTENT_LENGTH_UNDERSCORE);
            }
            case 15 -> idempotencyKeyFields += is(name, IDEMPOTENCY_KEY);
            case 17 ->
            {
                transferEncodingFields += is(name, HttpHeaderNames.TRANSFER_ENCODING);
                framingLookalikeFields += is(name, TRANSFER_ENCODING_UNDERSCORE);
            }
            default ->
            {
                // not counted
            }
        }
    }

    private static int is(final CharSequence name, final AsciiString field)
    {
        return AsciiString.contentEqualsIgnoreCase(name, field) ? 1 : 0;
    }
}
