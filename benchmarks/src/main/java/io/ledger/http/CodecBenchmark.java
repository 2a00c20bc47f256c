package io.ledger.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ledger.bench.Population;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.Ledger;
import io.ledger.engine.ResultCode;
import io.ledger.http.endpoint.CommandDraft;
import io.ledger.http.endpoint.Endpoint;
import io.ledger.http.endpoint.Endpoints;
import io.ledger.http.endpoint.Json;
import io.ledger.http.endpoint.Problem;
import io.ledger.http.endpoint.Request;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The HTTP adapter's per-request codec work for a purchase, without sockets: parsing the request body into a
 * {@link CommandDraft} (the purchase {@link Endpoint}'s parse, as the request handler runs it) and writing the 201
 * response ({@link Responses#reply}) into a buffer from a pooled or unpooled allocator, released every op.
 *
 * <p>In package {@code io.ledger.http} (of the benchmarks module) because {@link Responses} is package-private.
 * Parsing checks every op that the body was accepted; the response is checked for status and a body.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CodecBenchmark
{
    static final String BODY = "{\"merchantId\":\"" + Population.MERCHANT_ID + "\",\"customerId\":\"" +
        Ids.UNSALTED.format(IdKind.CUSTOMER, Population.customerKey(0)) + "\",\"productId\":\"" + Population.PRODUCT_ID +
        "\",\"amount\":1250,\"currency\":\"USD\",\"quantity\":1}";

    @State(Scope.Thread)
    public static class ParseState
    {
        final Request request = new Request(Json.FACTORY, Ids.UNSALTED);
        ByteBuf body;

        @Setup(Level.Trial)
        public void setUp()
        {
            final byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
            body = Unpooled.directBuffer(bytes.length).writeBytes(bytes); // what Netty's aggregator hands over
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            body.release();
        }
    }

    private static final Endpoint PURCHASE = Endpoints.of(Endpoints.route("create_purchase"));

    @State(Scope.Thread)
    public static class WriteState
    {
        @Param({"pooled", "unpooled"})
        public String allocator;

        ByteBufAllocator alloc;
        final CommandEvent event = new CommandEvent();

        @Setup(Level.Trial)
        public void setUp()
        {
            alloc = switch (allocator)
            {
                case "pooled" -> PooledByteBufAllocator.DEFAULT;
                case "unpooled" -> UnpooledByteBufAllocator.DEFAULT;
                default -> throw new IllegalArgumentException("allocator=" + allocator + " must be pooled or unpooled");
            };
            final Ledger ledger = Population.build(1);
            Population.purchase(event, 0, 1250).stamp(Population.firstFreeCommandId(1), Population.TIMESTAMP_MS);
            ledger.apply(event);
            if (event.result() != ResultCode.OK)
            {
                throw new IllegalStateException("setUp purchase result=" + event.result());
            }
        }
    }

    @Benchmark
    public long parsePurchase(final ParseState state)
    {
        final Request request = state.request;
        request.begin(PURCHASE.route(), Population.MERCHANT_ID, -1, state.body, Map.of());
        PURCHASE.parse(request);
        request.end();
        final CommandDraft draft = request.draft();
        final Problem problem = request.problem();
        if (problem.any() || draft.get(Field.AMOUNT_MINOR) != 1250)
        {
            throw new IllegalStateException("parse problems=" + problem.messages() + " amountMinor=" + draft.get(Field.AMOUNT_MINOR));
        }
        return draft.get(Field.CUSTOMER_KEY) + draft.get(Field.CURRENCY);
    }

    @Benchmark
    public int writePurchaseReply(final WriteState state)
    {
        final FullHttpResponse response = Responses.reply(state.alloc, PURCHASE, state.event, Ids.UNSALTED);
        try
        {
            final int bytes = response.content().readableBytes();
            if (response.status() != HttpResponseStatus.CREATED || bytes == 0)
            {
                throw new IllegalStateException("reply status=" + response.status() + " bodyBytes=" + bytes);
            }
            return bytes;
        }
        finally
        {
            response.release();
        }
    }
}
