package io.ledger.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.LedgerPipeline;
import io.ledger.engine.ResultCode;
import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.console.ConsoleAssets;
import io.ledger.http.console.ConsoleRoute;
import io.ledger.http.console.ConsoleStats;
import io.ledger.http.metrics.LedgerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: routes each request, authenticates it, parses it into a {@link CommandDraft} and publishes
 * it to the ring, or answers at once when it is refused. Holds no ledger logic.
 *
 * <p>Every reply of a connection leaves from here, in request order: the replies to requests, the refusals
 * {@link FramingHandler} decided ({@link FramingHandler.Refusal}: 400, 408, 413, 417...), and the interim
 * {@code 100 Continue} ({@link FramingHandler.Interim#CONTINUE}). A connection has at most one command in the ring;
 * what arrives behind it waits in a bounded queue, and reading from the socket pauses as soon as anything waits
 * (back-pressure to the client instead of memory growth). Once {@link HttpLimits#pipelinedRequestsMax()} requests
 * wait, decoding pauses too ({@link FramingHandler#pauseInput()}), and it resumes when they are answered: a client
 * may pipeline any number of requests. Reading also pauses while the channel is not writable, that is while more
 * than {@link HttpLimits#writeBufferBytesMax()} of replies wait for a client that does not read them. So what a
 * connection holds is bounded whatever the client does.
 *
 * <p>The last reply of a connection (a refusal, or a request with {@code Connection: close}) is followed by a
 * lingering close ({@link LedgerHttpInitializer#lingeringClose}), so the client reads it instead of a reset; nothing
 * queued is dropped before it, because nothing is decoded after the connection's last request.
 *
 * <p>Thread-safety: everything runs on the connection's event loop except {@link #deliver}, which the reply
 * thread calls and which hands the response over to the event loop.
 */
final class LedgerRequestHandler extends ChannelInboundHandlerAdapter implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(LedgerRequestHandler.class);
    /** The access log (off unless {@link HttpOptions#accessLog()}): one key=value line per response. */
    private static final Logger ACCESS = LoggerFactory.getLogger("io.ledger.http.access");
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final LedgerPipeline pipeline;
    private final JwtAuthenticator authenticator;
    private final RequestParser parser;
    private final HttpLimits limits;
    private final HttpOptions options;
    private final IdempotencyGate idempotencyGate;
    private final LedgerMetrics metrics;
    private final HealthCheck health;
    private final FramingHandler framing;
    private final RequestQueue queued;
    private final CommandDraft draft = new CommandDraft();
    private final Problem problem = new Problem();

    private ChannelHandlerContext ctx;
    private boolean inFlight;
    private Route inFlightRoute;
    private boolean inFlightKeepAlive;
    private String inFlightIdempotencyKey;
    /** When the command in flight was published, {@link System#nanoTime()}; read by the reply thread. */
    private long publishedNs;
    private volatile FullHttpResponse delivered;
    /** The ledger's outcome of the delivered reply; published by the write of {@link #delivered}. */
    private ResultCode deliveredResult;
    /** A reply with {@code Connection: close} was written: nothing more is read or answered. */
    private boolean closing;

    // The request being answered, for metrics and the access log.
    private Route currentRoute;
    private long currentReceivedNs;
    private HttpMethod currentMethod;
    private String currentPath;
    private String currentMerchant;
    /** The request is one of the console's (metrics count it under route "console"). */
    private boolean currentConsole;
    /** The ledger's outcome of the response being written, or null when the adapter answered on its own. */
    private ResultCode currentResult;

    LedgerRequestHandler(
        final LedgerPipeline pipeline,
        final JwtAuthenticator authenticator,
        final RequestParser parser,
        final HttpOptions options,
        final IdempotencyGate idempotencyGate,
        final LedgerMetrics metrics,
        final FramingHandler framing,
        final HealthCheck health)
    {
        this.health = health;
        this.pipeline = pipeline;
        this.authenticator = authenticator;
        this.parser = parser;
        this.options = options;
        this.limits = options.limits();
        this.idempotencyGate = idempotencyGate;
        this.metrics = metrics;
        this.framing = framing;
        this.queued = new RequestQueue(limits.pipelinedRequestsMax());
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof FullHttpRequest request)
        {
            onRequest(request);
        }
        else if (msg instanceof FramingHandler.Refusal refusal)
        {
            onRefusal(refusal);
        }
        else if (msg == FramingHandler.Interim.CONTINUE)
        {
            if (!closing)
            {
                if (busy())
                {
                    queued.add(msg, 0);
                    updateAutoRead();
                }
                else
                {
                    writeContinue();
                }
            }
        }
        else
        {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(final FullHttpRequest request)
    {
        final long receivedNs = System.nanoTime();
        if (closing)
        {
            request.release();
            return;
        }
        if (busy())
        {
            queued.add(request, receivedNs);
            if (queued.requests() >= limits.pipelinedRequestsMax())
            {
                framing.pauseInput(); // decode no more until these are answered
            }
            updateAutoRead();
            return;
        }
        try
        {
            handle(request, receivedNs);
        }
        finally
        {
            request.release();
        }
    }

    private void onRefusal(final FramingHandler.Refusal refusal)
    {
        if (refusal.status().code() == HttpResponseStatus.REQUEST_TIMEOUT.code())
        {
            metrics.requestTimedOut();
        }
        if (closing)
        {
            return;
        }
        final long receivedNs = System.nanoTime();
        if (busy())
        {
            queued.add(refusal, receivedNs);
            updateAutoRead();
            return;
        }
        answer(refusal, receivedNs);
    }

    /** @return true while a reply is due before anything that arrives now. */
    private boolean busy()
    {
        return inFlight || !queued.isEmpty() || !ctx.channel().isWritable();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            drainQueued();
        }
        else
        {
            metrics.readPausedForSlowReader();
            updateAutoRead();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        queued.releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof IdleStateEvent && !inFlight)
        {
            metrics.idleClosed();
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("closing connection after error", cause);
        ctx.close();
    }

    // ---- called by the reply thread

    ByteBufAllocator alloc()
    {
        return ctx.alloc();
    }

    Route inFlightRoute()
    {
        return inFlightRoute;
    }

    LedgerMetrics metrics()
    {
        return metrics;
    }

    /** @return the deployment's ids, to write the reply's. */
    Ids ids()
    {
        return parser.ids();
    }

    long publishedNs()
    {
        return publishedNs;
    }

    /** Hands the reply of the in-flight command, and the ledger's outcome, to the event loop. Reply thread only. */
    void deliver(final FullHttpResponse response, final ResultCode result)
    {
        deliveredResult = result;
        delivered = response;
        try
        {
            ctx.executor().execute(this);
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            delivered = null; // the event loop is shutting down: the connection is going away with it
            releaseIdempotencyKey();
            response.release();
        }
    }

    /** Event loop: writes the delivered reply, then serves requests that queued up behind it. */
    @Override
    public void run()
    {
        final FullHttpResponse response = delivered;
        delivered = null;
        inFlight = false;
        releaseIdempotencyKey();
        currentResult = deliveredResult;
        write(response, inFlightKeepAlive);
        currentResult = null;
        drainQueued();
    }

    // ---- the request path, event loop only

    private void drainQueued()
    {
        while (!inFlight && !closing && ctx.channel().isWritable() && !queued.isEmpty())
        {
            final long receivedNs = queued.peekReceivedNs();
            final Object entry = queued.poll();
            if (entry instanceof FullHttpRequest request)
            {
                try
                {
                    handle(request, receivedNs);
                }
                finally
                {
                    request.release();
                }
            }
            else if (entry instanceof FramingHandler.Refusal refusal)
            {
                answer(refusal, receivedNs);
            }
            else
            {
                writeContinue();
            }
        }
        if (queued.isEmpty() && !closing)
        {
            framing.resumeInput(); // decodes what a pause left buffered (it may queue requests again)
        }
        updateAutoRead();
    }

    /** Reads while nothing waits in the queue and the client keeps up with its replies. */
    private void updateAutoRead()
    {
        if (closing || !ctx.channel().isActive())
        {
            return; // the lingering close reads (and discards) until the client closes
        }
        final boolean read = queued.isEmpty() && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read)
        {
            ctx.channel().config().setAutoRead(read);
        }
    }

    /** Answers a request {@link FramingHandler} refused; the connection closes after it. */
    private void answer(final FramingHandler.Refusal refusal, final long receivedNs)
    {
        currentRoute = null;
        currentConsole = false;
        currentReceivedNs = receivedNs;
        currentMethod = null;
        currentPath = null;
        currentMerchant = null;
        write(Responses.error(ctx.alloc(), refusal.status(), refusal.message()), false);
    }

    /** The interim response to a request that expects it: its body will now be read. */
    private void writeContinue()
    {
        if (ctx.channel().isActive() && !closing)
        {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER),
                ctx.voidPromise());
        }
    }

    private void handle(final FullHttpRequest request, final long receivedNs)
    {
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        currentRoute = null;
        currentConsole = false;
        currentReceivedNs = receivedNs;
        currentMethod = request.method();
        currentPath = null;
        currentMerchant = null;
        final QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        currentPath = uri.rawPath();
        if (ConsoleRoute.owns(uri.rawPath()))
        {
            console(request, uri, keepAlive);
            return;
        }
        final Router.Match match = Router.match(request.method(), uri.rawPath());
        if (!match.found())
        {
            if (match.methodNotAllowed())
            {
                final FullHttpResponse response = Responses.error(
                    ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED, "Cannot " + request.method() + " " + uri.rawPath());
                response.headers().set(HttpHeaderNames.ALLOW, joinMethods(match.allowed()));
                write(response, keepAlive);
            }
            else
            {
                write(Responses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "Cannot " + request.method() + " " + truncate(uri.rawPath())), keepAlive);
            }
            return;
        }
        final Route route = match.route();
        currentRoute = route;
        if (route == Route.METRICS)
        {
            metrics(request, keepAlive);
            return;
        }
        if (route == Route.HEALTH)
        {
            write(health.readiness(ctx.alloc()), keepAlive);
            return;
        }
        if (route == Route.LIVENESS)
        {
            write(HealthCheck.liveness(ctx.alloc()), keepAlive);
            return;
        }
        if (route == Route.OPENAPI)
        {
            write(Responses.openApi(ctx.alloc()), keepAlive);
            return;
        }

        final JwtAuthenticator.AuthResult auth = authenticator.authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (!auth.ok())
        {
            final FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, auth.error());
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            write(response, keepAlive);
            return;
        }
        if (auth.operator())
        {
            write(Responses.error(ctx.alloc(), HttpResponseStatus.FORBIDDEN, "An operator token cannot use the merchant API"), keepAlive);
            return;
        }
        final String merchantId = auth.merchantId();
        currentMerchant = merchantId;
        fillAndPublish(route, request, uri, match.id(), merchantId, keepAlive);
    }

    /** Parses the request for {@code merchantId} into the draft and publishes it, or answers what is wrong with it. */
    private void fillAndPublish(
        final Route route, final FullHttpRequest request, final QueryStringDecoder uri, final String rawId, final String merchantId,
        final boolean keepAlive)
    {
        draft.clear();
        problem.clear();
        if (route.changesState() && !route.method().equals(HttpMethod.DELETE) && !isJson(request))
        {
            write(Responses.error(ctx.alloc(), HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/json, in UTF-8 if a charset is given"), keepAlive);
            return;
        }
        final long pathKey = route.idKind() == null ? -1 : parser.ids().parse(route.idKind(), decodeId(rawId));
        if (route.idKind() != null && pathKey < 0)
        {
            write(notFound(route), keepAlive);
            return;
        }
        final java.util.Map<String, List<String>> params;
        try
        {
            params = uri.parameters();
        }
        catch (final IllegalArgumentException ex)
        {
            // a bad percent-escape ("%", "%ZZ") or one that is not UTF-8: Netty throws instead of answering
            write(Responses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "Malformed query string"), keepAlive);
            return;
        }
        QueryParser.merchant(params, merchantId, problem);
        fill(route, request, params, merchantId, pathKey);
        if (problem.any())
        {
            write(Responses.error(ctx.alloc(), problem.status(), List.copyOf(problem.messages())), keepAlive);
            return;
        }

        String idempotencyKey = null;
        final String keyHeader = request.headers().get(IDEMPOTENCY_KEY);
        if (keyHeader != null && route.changesState())
        {
            idempotencyKey = IdempotencyGate.scoped(merchantId, keyHeader);
            if (idempotencyKey == null)
            {
                write(Responses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST,
                    "Idempotency-Key must be 1 to " + IdempotencyGate.KEY_CHARS_MAX + " printable ASCII characters"), keepAlive);
                return;
            }
            if (!idempotencyGate.tryEnter(idempotencyKey))
            {
                write(Responses.error(ctx.alloc(), HttpResponseStatus.CONFLICT,
                    "A request with this Idempotency-Key is still being processed; retry after it completes"), keepAlive);
                return;
            }
            draft.text(Field.IDEMPOTENCY_KEY, keyHeader);
        }

        draft.replyTo(ReplyPublisher.INSTANCE, this);
        inFlight = true;
        inFlightRoute = route;
        inFlightKeepAlive = keepAlive;
        inFlightIdempotencyKey = idempotencyKey;
        publishedNs = System.nanoTime();
        if (!pipeline.tryPublish(CommandDraft.FILLER, draft))
        {
            inFlight = false;
            releaseIdempotencyKey();
            final FullHttpResponse response = Responses.error(
                ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "The ledger is at capacity; retry shortly");
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            write(response, keepAlive);
        }
    }

    /** Parses the request into {@link #draft}, collecting what is wrong with it in {@link #problem}. */
    private void fill(
        final Route route, final FullHttpRequest request, final java.util.Map<String, List<String>> params, final String merchantId,
        final long pathKey)
    {
        switch (route)
        {
            case CREATE_CUSTOMER -> parser.createCustomer(request.content(), merchantId, draft, problem);
            case UPDATE_CUSTOMER -> parser.updateCustomer(request.content(), merchantId, pathKey, draft, problem);
            case CREATE_PAY_IN -> parser.payIn(request.content(), merchantId, pathKey, draft, problem);
            case CREATE_PURCHASE -> parser.purchase(request.content(), merchantId, draft, problem);
            case CREATE_TRANSFER -> parser.transfer(request.content(), merchantId, draft, problem);
            case CREATE_PAYOUT -> parser.payout(request.content(), merchantId, draft, problem);
            case CREATE_PAYMENT_METHOD -> parser.paymentMethod(request.content(), merchantId, pathKey, draft, problem);
            case DELETE_PAYMENT_METHOD ->
            {
                query(CommandType.DELETE_PAYMENT_METHOD, merchantId, -1);
                draft.set(Field.PAYMENT_METHOD_KEY, pathKey);
            }
            case GET_PAYMENT_METHOD ->
            {
                query(CommandType.GET_PAYMENT_METHOD, merchantId, -1);
                draft.set(Field.PAYMENT_METHOD_KEY, pathKey);
            }
            case GET_CUSTOMER -> query(CommandType.GET_CUSTOMER, merchantId, pathKey);
            case GET_CUSTOMER_BALANCE ->
            {
                query(CommandType.GET_CUSTOMER_BALANCE, merchantId, pathKey);
                draft.set(Field.CURRENCY, RequestParser.queryCurrency(QueryParser.first(params, "currency"), problem));
            }
            case GET_MERCHANT_BALANCE ->
            {
                query(CommandType.GET_MERCHANT_BALANCE, merchantId, -1);
                draft.set(Field.CURRENCY, RequestParser.queryCurrency(QueryParser.first(params, "currency"), problem));
            }
            case LIST_CUSTOMERS ->
            {
                query(CommandType.LIST_CUSTOMERS, merchantId, -1);
                QueryParser.page(params, draft, problem);
                QueryParser.customerFilters(params, draft, problem);
            }
            case LIST_CUSTOMER_TRANSACTIONS -> listQuery(CommandType.LIST_CUSTOMER_TRANSACTIONS, merchantId, pathKey, params);
            case LIST_CUSTOMER_PAYMENT_METHODS -> listQuery(CommandType.LIST_CUSTOMER_PAYMENT_METHODS, merchantId, pathKey, params);
            case LIST_TRANSFERS -> listQuery(CommandType.LIST_TRANSFERS, merchantId, -1, params);
            case LIST_PAYMENT_METHODS ->
            {
                listQuery(CommandType.LIST_PAYMENT_METHODS, merchantId, -1, params);
                QueryParser.customerFilter(params, draft, parser.ids());
            }
            case LIST_BALANCE_HISTORY ->
            {
                listQuery(CommandType.LIST_BALANCE_HISTORY, merchantId, -1, params);
                QueryParser.historyFilters(params, draft, problem);
            }
            case LIST_PAYOUTS ->
            {
                listQuery(CommandType.LIST_PAYOUTS, merchantId, -1, params);
                QueryParser.payoutStatus(params, draft);
            }
            default -> throw new IllegalStateException("route=" + route + " has no handler");
        }
    }

    private void listQuery(final CommandType type, final String merchantId, final long customerKey, final java.util.Map<String, List<String>> params)
    {
        query(type, merchantId, customerKey);
        QueryParser.page(params, draft, problem);
    }

    /** @return the percent-decoded path id, or null (an unknown id: 404) when its escapes are malformed. */
    private static String decodeId(final String rawId)
    {
        try
        {
            return QueryStringDecoder.decodeComponent(rawId);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    private FullHttpResponse notFound(final Route route)
    {
        return Responses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND,
            route.idKind() == IdKind.PAYMENT_METHOD ? "Payment method not found" : "Customer not found");
    }

    private void releaseIdempotencyKey()
    {
        final String key = inFlightIdempotencyKey;
        if (key != null)
        {
            inFlightIdempotencyKey = null;
            idempotencyGate.exit(key);
        }
    }

    private void query(final CommandType type, final String merchantId, final long customerKey)
    {
        draft.type(type);
        if (customerKey >= 0)
        {
            draft.set(Field.CUSTOMER_KEY, customerKey);
        }
        draft.text(Field.MERCHANT_ID, merchantId);
    }

    /**
     * The console's routes ({@link ConsoleRoute}): its files for anyone (a request that carries a token must carry an
     * operator's), its figures and lookups for an operator token only; a merchant token gets 403 from every one.
     */
    private void console(final FullHttpRequest request, final QueryStringDecoder uri, final boolean keepAlive)
    {
        currentConsole = true;
        final ConsoleRoute route = ConsoleRoute.match(request.method(), uri.rawPath());
        switch (route.kind())
        {
            case UNKNOWN ->
            {
                write(Responses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "Cannot " + request.method() + " " + truncate(uri.rawPath())), keepAlive);
                return;
            }
            case METHOD_NOT_ALLOWED ->
            {
                final FullHttpResponse response = Responses.error(
                    ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED, "Cannot " + request.method() + " " + truncate(uri.rawPath()));
                response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
                write(response, keepAlive);
                return;
            }
            default ->
            {
            }
        }
        final String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (route.kind().needsOperator() || authorization != null)
        {
            final JwtAuthenticator.AuthResult auth = authenticator.authenticate(authorization);
            if (!auth.ok())
            {
                final FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, auth.error());
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
                write(response, keepAlive);
                return;
            }
            if (!auth.operator())
            {
                currentMerchant = auth.merchantId();
                write(Responses.error(ctx.alloc(), HttpResponseStatus.FORBIDDEN, "The console needs an operator token"), keepAlive);
                return;
            }
        }
        switch (route.kind())
        {
            case ASSET -> write(ConsoleAssets.response(ctx.alloc(), route.asset()), keepAlive);
            case STATS -> write(ConsoleStats.response(ctx.alloc(), metrics), keepAlive);
            default ->
            {
                if (route.merchant() == null || !JwtAuthenticator.isValidMerchantId(route.merchant()))
                {
                    write(Responses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "Merchant id is malformed"), keepAlive);
                    return;
                }
                currentMerchant = route.merchant();
                fillAndPublish(route.kind().apiRoute(), request, uri, route.id(), route.merchant(), keepAlive);
            }
        }
    }

    /** {@code GET /metrics}, as {@link HttpOptions#metrics()} allows. */
    private void metrics(final FullHttpRequest request, final boolean keepAlive)
    {
        final HttpOptions.MetricsAccess access = options.metrics();
        if (access == HttpOptions.MetricsAccess.OFF)
        {
            write(Responses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "Cannot GET " + Route.METRICS.template()), keepAlive);
            return;
        }
        if (access == HttpOptions.MetricsAccess.TOKEN)
        {
            final JwtAuthenticator.AuthResult auth = authenticator.authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (!auth.ok())
            {
                final FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, auth.error());
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
                write(response, keepAlive);
                return;
            }
            if (!auth.operator())
            {
                // every merchant's money totals are in there: an operator's figures, as the console's are
                currentMerchant = auth.merchantId();
                write(Responses.error(ctx.alloc(), HttpResponseStatus.FORBIDDEN, "The metrics need an operator token"), keepAlive);
                return;
            }
        }
        final ByteBuf body = ctx.alloc().buffer(32 * 1024);
        final String contentType;
        try (ByteBufOutputStream out = new ByteBufOutputStream(body))
        {
            contentType = metrics.scrape(request.headers().get(HttpHeaderNames.ACCEPT), out);
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            body.release();
            LOG.error("metrics scrape failed", ex);
            write(Responses.error(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal server error"), keepAlive);
            return;
        }
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, contentType)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        write(response, keepAlive);
    }

    private void write(final FullHttpResponse response, final boolean keepAlive)
    {
        if (!ctx.channel().isActive() || closing)
        {
            response.release();
            return;
        }
        final int status = response.status().code();
        final int bytes = response.content().readableBytes();
        if (keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
        else
        {
            closing = true;
            framing.endInput(); // already so, unless the handler itself ends the connection
            queued.releaseAll();
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(written -> LedgerHttpInitializer.lingeringClose(ctx));
        }
        if (currentConsole)
        {
            metrics.consoleResponseWritten(status, currentReceivedNs);
        }
        else
        {
            metrics.responseWritten(currentRoute, status, currentReceivedNs);
        }
        if (status >= 400)
        {
            metrics.refused(currentRoute, currentConsole, status, currentResult, currentMerchant);
        }
        if (options.accessLog() && ACCESS.isInfoEnabled())
        {
            logAccess(status, bytes);
        }
    }

    /** One key=value line; the path without its query string (it may carry e-mail addresses), never a header. */
    private void logAccess(final int status, final int bytes)
    {
        final long micros = currentReceivedNs == 0 ? -1 : (System.nanoTime() - currentReceivedNs) / 1000;
        ACCESS.info("method={} path={} status={} bytes={} duration_us={} merchant={} remote={}",
            currentMethod == null ? "-" : currentMethod.name(),
            currentPath == null ? "-" : truncate(currentPath),
            status, bytes, micros,
            currentMerchant == null ? "-" : currentMerchant,
            ctx.channel().remoteAddress());
    }

    /**
     * @return true for {@code application/json}, with parameters or not, unless a {@code charset} parameter names
     *         anything but UTF-8: bodies are decoded as UTF-8 only, so a body declared otherwise is refused up front.
     */
    static boolean isJson(final FullHttpRequest request)
    {
        final String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null)
        {
            return false;
        }
        final int semicolon = type.indexOf(';');
        if (semicolon < 0)
        {
            return type.trim().equalsIgnoreCase("application/json");
        }
        if (!type.substring(0, semicolon).trim().equalsIgnoreCase("application/json"))
        {
            return false;
        }
        for (final String parameter : type.substring(semicolon + 1).split(";"))
        {
            final int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset"))
            {
                String charset = parameter.substring(equals + 1).trim();
                if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\""))
                {
                    charset = charset.substring(1, charset.length() - 1);
                }
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8"))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static String joinMethods(final List<HttpMethod> methods)
    {
        final StringBuilder sb = new StringBuilder();
        for (final HttpMethod method : methods)
        {
            if (sb.length() > 0)
            {
                sb.append(", ");
            }
            sb.append(method.name());
        }
        return sb.toString();
    }

    private static String truncate(final String path)
    {
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }

    /**
     * What waits for its turn while a command is in flight (or while the client does not read its replies): requests,
     * with the time each was decoded, refusals and interim responses, in arrival order. Two fixed circular arrays, so
     * queueing allocates nothing. At most {@code requestsMax} requests (decoding pauses there), each perhaps preceded
     * by a {@code 100 Continue}, and one refusal, which is always the last. Event loop only.
     */
    private static final class RequestQueue
    {
        private final Object[] entries;
        private final long[] receivedNs;
        private int head;
        private int size;
        private int requests;

        RequestQueue(final int requestsMax)
        {
            entries = new Object[2 * requestsMax + 2];
            receivedNs = new long[entries.length];
        }

        boolean isEmpty()
        {
            return size == 0;
        }

        /** @return the requests waiting (interim responses and refusals not counted). */
        int requests()
        {
            return requests;
        }

        void add(final Object entry, final long nowNs)
        {
            if (size == entries.length)
            {
                throw new IllegalStateException("size=" + size + " requests=" + requests + " the queue is full: decoding did not pause");
            }
            final int tail = (head + size) % entries.length;
            entries[tail] = entry;
            receivedNs[tail] = nowNs;
            size++;
            if (entry instanceof FullHttpRequest)
            {
                requests++;
            }
        }

        long peekReceivedNs()
        {
            return receivedNs[head];
        }

        Object poll()
        {
            final Object entry = entries[head];
            entries[head] = null;
            head = (head + 1) % entries.length;
            size--;
            if (entry instanceof FullHttpRequest)
            {
                requests--;
            }
            return entry;
        }

        void releaseAll()
        {
            while (size > 0)
            {
                ReferenceCountUtil.release(poll());
            }
        }
    }
}
