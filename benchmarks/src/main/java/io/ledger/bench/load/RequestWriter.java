package io.ledger.bench.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes the load tool's HTTP/1.1 requests straight into a buffer: the header lines that never change are
 * encoded once, and only the path's customer id, the {@code Content-Length} and the JSON body are written per
 * request. The bodies are those of the README's walk-through (Cashful DTOs); a batch request
 * ({@link Pending#batchSize} > 1) wraps N purchase bodies in {@link BatchShape}'s request shape.
 *
 * <p>Not thread-safe: one per connection (it owns a scratch array for the body).
 */
final class RequestWriter
{
    private static final byte[] HTTP11_CRLF = ascii(" HTTP/1.1\r\n");
    private static final byte[] POST = ascii("POST ");
    private static final byte[] GET = ascii("GET ");
    private static final byte[] CUSTOMERS = ascii("/api/canary/customers");
    private static final byte[] PURCHASES = ascii("/api/canary/purchases");
    private static final byte[] TRANSFERS = ascii("/api/canary/transfers");
    private static final byte[] MERCHANT_BALANCE = ascii("/api/canary/balance");
    private static final byte[] PAY_INS = ascii("/pay-ins");
    private static final byte[] BALANCE = ascii("/balance?currency=");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Type: application/json\r\nContent-Length: ");
    private static final byte[] CRLF_CRLF = ascii("\r\n\r\n");
    private static final byte[] CRLF = ascii("\r\n");

    private final byte[] commonHeaders;
    private final byte[] currency;
    private final byte[] productId;
    private final byte[][] customerIds;
    private final byte[] batchPath;
    private byte[] body = new byte[512];
    private int bodyLength;

    /**
     * @param hostPort    the {@code Host} header's value.
     * @param token       the bearer token.
     * @param currency    ISO 4217 code for every amount.
     * @param customerIds the workload's customer ids, filled by the set-up phase (shared, read-only once filled).
     */
    RequestWriter(final String hostPort, final String token, final String currency, final byte[][] customerIds)
    {
        this(hostPort, token, currency, customerIds, BatchShape.PATH_DEFAULT);
    }

    /** @param batchPath where a batch of purchases ({@link Pending#batchSize} > 1) is posted, see {@link BatchShape}. */
    RequestWriter(final String hostPort, final String token, final String currency, final byte[][] customerIds, final String batchPath)
    {
        this.commonHeaders = ascii("Host: " + hostPort + "\r\nAuthorization: Bearer " + token + "\r\n");
        this.currency = ascii(currency);
        this.productId = ascii("bench-product");
        this.customerIds = customerIds;
        this.batchPath = ascii(batchPath);
    }

    /** @return the request for {@code pending}, in a buffer from {@code alloc} that the caller writes (and so releases). */
    ByteBuf encode(final ByteBufAllocator alloc, final Pending pending)
    {
        bodyLength = 0;
        if (pending.batchSize > 1)
        {
            return encodeBatch(alloc, pending);
        }
        final ByteBuf buf = alloc.ioBuffer(384 + commonHeaders.length);
        switch (pending.op)
        {
            case CREATE_CUSTOMER ->
            {
                buf.writeBytes(POST).writeBytes(CUSTOMERS);
                body("{\"phoneNumber\":\"+2782");
                digits(1_000_000L + pending.task, 7);
                body("\",\"metadata\":{\"source\":\"ledger-load\"}}");
            }
            case PAY_IN ->
            {
                buf.writeBytes(POST).writeBytes(CUSTOMERS).writeByte('/').writeBytes(customerIds[pending.customer]).writeBytes(PAY_INS);
                body("{\"amount\":");
                number(pending.amountMinor);
                body(",\"currency\":\"");
                body(currency);
                body("\"}");
            }
            case PURCHASE ->
            {
                buf.writeBytes(POST).writeBytes(PURCHASES);
                purchaseBody(pending.customer, pending.amountMinor);
            }
            case TRANSFER ->
            {
                buf.writeBytes(POST).writeBytes(TRANSFERS);
                body("{\"fromCustomerId\":\"");
                body(customerIds[pending.customer]);
                body("\",\"toCustomerId\":\"");
                body(customerIds[pending.otherCustomer]);
                body("\",\"amount\":");
                number(pending.amountMinor);
                body(",\"currency\":\"");
                body(currency);
                body("\"}");
            }
            case BALANCE ->
                buf.writeBytes(GET).writeBytes(CUSTOMERS).writeByte('/').writeBytes(customerIds[pending.customer])
                    .writeBytes(BALANCE).writeBytes(currency);
            case MERCHANT_BALANCE ->
            {
                buf.writeBytes(GET).writeBytes(MERCHANT_BALANCE);
                if (pending.task == 1)
                {
                    buf.writeBytes(ascii("?currency=")).writeBytes(currency);
                }
            }
            default -> throw new IllegalStateException("op=" + pending.op);
        }
        return finish(buf, pending.op.post());
    }

    /** A batch of {@link Pending#batchSize} purchases, in {@link BatchShape}'s request shape. */
    private ByteBuf encodeBatch(final ByteBufAllocator alloc, final Pending pending)
    {
        if (pending.op != Op.PURCHASE)
        {
            throw new IllegalStateException("op=" + pending.op + " cannot be batched: only purchases are");
        }
        final int itemBytesMax = 96 + productId.length + currency.length + 20
            + (customerIds.length == 0 || customerIds[0] == null ? 64 : customerIds[0].length + 64);
        final int bodyBytesMax = BatchShape.bodyBytesMax(pending.batchSize, itemBytesMax);
        if (body.length < bodyBytesMax)
        {
            body = new byte[bodyBytesMax];
        }
        body(BatchShape.OPEN);
        for (int i = 0; i < pending.batchSize; i++)
        {
            if (i > 0)
            {
                body(BatchShape.SEPARATOR);
            }
            body(BatchShape.ITEM_OPEN);
            purchaseBody(pending.batchCustomers[i], pending.batchAmountsMinor[i]);
            body(BatchShape.ITEM_CLOSE);
        }
        body(BatchShape.CLOSE);
        final ByteBuf buf = alloc.ioBuffer(256 + commonHeaders.length + bodyLength);
        buf.writeBytes(POST).writeBytes(batchPath);
        return finish(buf, true);
    }

    /** The body of one purchase, as {@code POST /api/canary/purchases} takes it (the README's walk-through). */
    private void purchaseBody(final int customer, final long amountMinor)
    {
        body("{\"customerId\":\"");
        body(customerIds[customer]);
        body("\",\"productId\":\"");
        body(productId);
        body("\",\"amount\":");
        number(amountMinor);
        body(",\"currency\":\"");
        body(currency);
        body("\"}");
    }

    /** The request line's end, the headers and the body (already in {@link #body}) after the method and path. */
    private ByteBuf finish(final ByteBuf buf, final boolean post)
    {
        buf.writeBytes(HTTP11_CRLF).writeBytes(commonHeaders);
        if (post)
        {
            buf.writeBytes(CONTENT_LENGTH);
            writeDecimal(buf, bodyLength);
            buf.writeBytes(CRLF_CRLF).writeBytes(body, 0, bodyLength);
        }
        else
        {
            buf.writeBytes(CRLF);
        }
        return buf;
    }

    private void body(final String ascii)
    {
        for (int i = 0; i < ascii.length(); i++)
        {
            body[bodyLength++] = (byte)ascii.charAt(i);
        }
    }

    private void body(final byte[] bytes)
    {
        System.arraycopy(bytes, 0, body, bodyLength, bytes.length);
        bodyLength += bytes.length;
    }

    private void number(final long value)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException("amountMinor=" + value + " must be >= 0");
        }
        digits(value, 1);
    }

    /** Writes {@code value} in decimal, left-padded with zeros to at least {@code width} digits. */
    private void digits(final long value, final int width)
    {
        int length = 1;
        for (long v = value / 10; v > 0; v /= 10)
        {
            length++;
        }
        length = Math.max(length, width);
        long v = value;
        for (int i = bodyLength + length - 1; i >= bodyLength; i--)
        {
            body[i] = (byte)('0' + (v % 10));
            v /= 10;
        }
        bodyLength += length;
    }

    private static void writeDecimal(final ByteBuf buf, final int value)
    {
        if (value >= 10)
        {
            writeDecimal(buf, value / 10);
        }
        buf.writeByte('0' + value % 10);
    }

    static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
