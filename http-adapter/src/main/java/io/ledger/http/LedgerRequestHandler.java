package io.ledger.http;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.CommandGateway;
import io.ledger.engine.ResultCode;
import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.console.ConsoleAssets;
import io.ledger.http.console.ConsoleRoute;
import io.ledger.http.console.ConsoleStats;
import io.ledger.http.endpoint.CommandDraft;
import io.ledger.http.endpoint.DialectEndpoint;
import io.ledger.http.endpoint.Endpoint;
import io.ledger.http.endpoint.Endpoints;
import io.ledger.http.endpoint.Problem;
import io.ledger.http.endpoint.Request;
import io.ledger.http.endpoint.Route;
import io.ledger.http.endpoint.Router;
import io.ledger.http.endpoint.Rules;
import io.ledger.http.metrics.LedgerMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
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
 * One per connection: routes each request, authenticates it, has the route's {@link Endpoint} parse it into a
 * {@link CommandDraft} and publishes it to the ring, or answers at once when it is refused. It does only what every
 * request shares (limits, authentication, content type, the path's id, the idempotency gate, ordering per connection
 * and writing); what is a route's own is its endpoint's. Holds no ledger logic.
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
 * <p>Thread-safety: everything runs on the connection's event loop except {@link #deliver}, which the pipeline's reply
 * thread calls (the loop itself with {@code --ledger-thread event-loop}), then {@link #writeDelivered()} on the loop.
 */
final class LedgerRequestHandler extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(LedgerRequestHandler.class);
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final CommandGateway pipeline;
    private final JwtAuthenticator authenticator;
    private final Ids ids;
    private final Router router = Endpoints.router();
    private final RouteMemo routes = new RouteMemo(router);
    private final HttpLimits limits;
    private final HttpOptions options;
    private final IdempotencyGate idempotencyGate;
    private final LedgerMetrics metrics;
    private final HealthCheck health;
    /** The change stream's thread, or null when the server serves none. */
    private final EventStreamAgent events;
    private final FramingHandler framing;
    private final RequestQueue queued;
    /** The request being parsed: its draft and problems. */
    private final Request parsing;

    private ChannelHandlerContext ctx;
    /** The reply sink of this connection's event loop; set on the first publish. */
    private ReplyPublisher replies;
    private boolean inFlight;
    private Endpoint inFlightEndpoint;
    private boolean inFlightKeepAlive;
    private String inFlightIdempotencyKey;
    /** When the command in flight was published, {@link System#nanoTime()}; read by the reply thread. */
    private long publishedNs;
    private volatile FullHttpResponse delivered;
    /** The ledger's outcome of the delivered reply; published by the write of {@link #delivered}. */
    private ResultCode deliveredResult;
    /** A reply with {@code Connection: close} was written: nothing more is read or answered. */
    private boolean closing;

    /** The request being answered, for metrics and the access log. */
    private final AccessRecord record;

    LedgerRequestHandler(
        final CommandGateway pipeline,
        final JwtAuthenticator authenticator,
        final Ids ids,
        final JsonFactory jsonFactory,
        final HttpOptions options,
        final IdempotencyGate idempotencyGate,
        final LedgerMetrics metrics,
        final FramingHandler framing,
        final HealthCheck health,
        final EventStreamAgent events)
    {
        this.events = events;
        this.health = health;
        this.pipeline = pipeline;
        this.authenticator = authenticator;
        this.ids = ids;
        this.parsing = new Request(jsonFactory, ids);
        this.options = options;
        this.limits = options.limits();
        this.idempotencyGate = idempotencyGate;
        this.metrics = metrics;
        this.framing = framing;
        this.queued = new RequestQueue(limits.pipelinedRequestsMax());
        this.record = new AccessRecord(metrics, options.accessLog());
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

    Endpoint inFlightEndpoint()
    {
        return inFlightEndpoint;
    }

    boolean inFlightKeepAlive()
    {
        return inFlightKeepAlive;
    }

    LedgerMetrics metrics()
    {
        return metrics;
    }

    /** @return the deployment's ids, to write the reply's. */
    Ids ids()
    {
        return ids;
    }

    long publishedNs()
    {
        return publishedNs;
    }

    /**
     * Gives the connection the reply of its in-flight command and the ledger's outcome; its {@link ReplyPublisher}
     * hands the connection to the event loop at the end of the pipeline's batch. Reply thread only.
     */
    void deliver(final FullHttpResponse response, final ResultCode result)
    {
        deliveredResult = result;
        delivered = response;
    }

    /** The event loop is shutting down: the connection is going away with it. Drops the delivered reply. */
    void abandonDelivered()
    {
        final FullHttpResponse response = delivered;
        delivered = null;
        if (response != null)
        {
            response.release();
        }
        releaseIdempotencyKey(); // the gate is thread-safe, and the event loop runs nothing more for this connection
    }

    /** Event loop: writes the delivered reply, then serves requests that queued up behind it. */
    void writeDelivered()
    {
        final FullHttpResponse response = delivered;
        delivered = null;
        inFlight = false;
        releaseIdempotencyKey();
        record.result(deliveredResult);
        write(response, inFlightKeepAlive);
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
        record.start(null, receivedNs);
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
        record.start(request.method(), receivedNs);
        final QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        final String path = uri.rawPath();
        record.path(path);
        if (ConsoleRoute.owns(path))
        {
            console(request, uri, keepAlive);
            return;
        }
        final Route route = routes.find(request.method(), path);
        if (route == null)
        {
            write(Responses.unmatched(ctx.alloc(), request.method(), path, router.allowed(path)), keepAlive);
            return;
        }
        record.route(route);
        final Endpoint endpoint = Endpoints.of(route);
        if (endpoint == null)
        {
            local(route, request, keepAlive);
            return;
        }
        if (endpoint instanceof DialectEndpoint dialect) // an API key in the dialect's headers, checked by the ledger
        {
            final DialectEndpoint.Credentials credentials = dialect.authenticate(request.headers(), ids);
            if (credentials.refusal() == null)
            {
                parseAndPublish(endpoint, request, uri, router.id(route, path), null, credentials, keepAlive);
                return;
            }
            write(Responses.error(ctx.alloc(), endpoint, HttpResponseStatus.UNAUTHORIZED, List.of(credentials.refusal())), keepAlive);
            return;
        }
        final JwtAuthenticator.AuthResult auth = authenticator.authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (!auth.ok())
        {
            write(Responses.unauthorized(ctx.alloc(), auth.error()), keepAlive);
            return;
        }
        if (auth.operator())
        {
            write(Responses.error(ctx.alloc(), HttpResponseStatus.FORBIDDEN, "An operator token cannot use the merchant API"), keepAlive);
            return;
        }
        final String merchantId = auth.merchantId();
        record.merchant(merchantId);
        parseAndPublish(endpoint, request, uri, router.id(route, path), merchantId, null, keepAlive);
    }

    /** The routes without a command, answered on the event loop: no ledger state through the ring, so they answer while it is saturated. */
    private void local(final Route route, final FullHttpRequest request, final boolean keepAlive)
    {
        if (route == Route.METRICS)
        {
            metrics(request, keepAlive);
        }
        else if (route == Route.HEALTH)
        {
            write(health.readiness(ctx.alloc()), keepAlive);
        }
        else if (route == Route.EVENTS)
        {
            events(request, keepAlive);
        }
        else if (route == Route.LIVENESS)
        {
            write(HealthCheck.liveness(ctx.alloc()), keepAlive);
        }
        else
        {
            write(Responses.openApi(ctx.alloc()), keepAlive);
        }
    }

    /**
     * What every command's request shares: its content type, the path's id, the query string, the draft started for the
     * route's command, then the endpoint's own parse; then the idempotency gate and the publish. Answers what is wrong instead.
     */
    private void parseAndPublish(
        final Endpoint endpoint, final FullHttpRequest request, final QueryStringDecoder uri, final String rawId, final String merchantId,
        final DialectEndpoint.Credentials credentials, final boolean keepAlive)
    {
        final Route route = endpoint.route();
        if (route.body() == Route.Body.REQUIRED && !RequestText.isJson(request)
            || route.body() == Route.Body.OPTIONAL && request.content().isReadable() && !RequestText.isJson(request))
        {
            write(Responses.error(ctx.alloc(), endpoint, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, List.of(Rules.NOT_JSON)), keepAlive);
            return;
        }
        final long pathKey = route.pathField() == null ? -1 : ids.parse(route.idKind(), RequestText.decodeId(rawId));
        if (route.pathField() != null && pathKey < 0)
        {
            write(Responses.error(ctx.alloc(), endpoint, HttpResponseStatus.NOT_FOUND, List.of(Rules.notFound(route.idKind()))), keepAlive);
            return;
        }
        final Map<String, List<String>> params;
        try
        {
            params = uri.parameters();
        }
        catch (final IllegalArgumentException ex)
        {
            // a bad percent-escape ("%", "%ZZ") or one that is not UTF-8: Netty throws instead of answering
            write(Responses.error(ctx.alloc(), endpoint, HttpResponseStatus.BAD_REQUEST, List.of("Malformed query string")), keepAlive);
            return;
        }
        parsing.begin(route, merchantId, pathKey, route.body() == Route.Body.NONE ? null : request.content(), params);
        if (credentials != null)
        {
            DialectEndpoint.fill(credentials, parsing);
        }
        try
        {
            endpoint.parse(parsing);
        }
        finally
        {
            parsing.end();
        }
        final Problem problem = parsing.problem();
        if (problem.any())
        {
            write(Responses.error(ctx.alloc(), endpoint, problem.status(), List.copyOf(problem.messages())), keepAlive);
            return;
        }
        publish(endpoint, request, merchantId, keepAlive);
    }

    /** Holds the request's idempotency key (if any) while its command is in the ring, and publishes it. */
    private void publish(final Endpoint endpoint, final FullHttpRequest request, final String merchantId, final boolean keepAlive)
    {
        final CommandDraft draft = parsing.draft();
        String idempotencyKey = null;
        final String keyHeader = request.headers().get(IDEMPOTENCY_KEY);
        if (keyHeader != null && merchantId != null && endpoint.route().changesState())
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

        if (replies == null)
        {
            replies = ReplyPublisher.of(ctx.executor()); // on the event loop: its own publisher
        }
        draft.replyTo(replies, this);
        inFlight = true;
        inFlightEndpoint = endpoint;
        inFlightKeepAlive = keepAlive;
        inFlightIdempotencyKey = idempotencyKey;
        publishedNs = System.nanoTime();
        if (!replies.publish(pipeline, draft)) // the ledger thread is woken once for this round's requests
        {
            inFlight = false;
            releaseIdempotencyKey();
            final FullHttpResponse response = Responses.error(ctx.alloc(), endpoint, HttpResponseStatus.SERVICE_UNAVAILABLE, List.of(Rules.AT_CAPACITY));
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            write(response, keepAlive);
        }
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

    /**
     * The console's routes ({@link ConsoleRoute}): its files for anyone (a request that carries a token must carry an
     * operator's), its figures and lookups for an operator token only; a merchant token gets 403 from every one. A
     * lookup is the API route's own endpoint, for the merchant the path names.
     */
    private void console(final FullHttpRequest request, final QueryStringDecoder uri, final boolean keepAlive)
    {
        record.console();
        final ConsoleRoute route = ConsoleRoute.match(request.method(), uri.rawPath());
        if (route.kind() == ConsoleRoute.Kind.UNKNOWN || route.kind() == ConsoleRoute.Kind.METHOD_NOT_ALLOWED)
        {
            final boolean unknown = route.kind() == ConsoleRoute.Kind.UNKNOWN;
            write(Responses.unmatched(ctx.alloc(), request.method(), unknown ? uri.rawPath() : RequestText.truncate(uri.rawPath()),
                unknown ? List.of() : List.of(HttpMethod.GET)), keepAlive);
            return;
        }
        final String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (route.kind().needsOperator() || authorization != null)
        {
            final JwtAuthenticator.AuthResult auth = authenticator.authenticate(authorization);
            if (!auth.ok())
            {
                write(Responses.unauthorized(ctx.alloc(), auth.error()), keepAlive);
                return;
            }
            if (!auth.operator())
            {
                record.merchant(auth.merchantId());
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
                record.merchant(route.merchant());
                parseAndPublish(Endpoints.of(route.kind().apiRoute()), request, uri, route.id(), route.merchant(), null, keepAlive);
            }
        }
    }

    /** {@code GET /api/canary/events}: a refusal is answered as usual; a stream ends the connection's requests. */
    private void events(final FullHttpRequest request, final boolean keepAlive)
    {
        final FullHttpResponse refusal = EventStreams.open(ctx.channel(), request, authenticator, events, record);
        if (refusal != null)
        {
            write(refusal, keepAlive);
            return;
        }
        closing = true;
        framing.endInput();
        queued.releaseAll();
        record.written(HttpResponseStatus.OK.code(), 0, ctx.channel().remoteAddress());
    }

    /** {@code GET /metrics}, as {@link HttpOptions#metrics()} allows, rendered off the loop ({@link MetricsScrape}). */
    private void metrics(final FullHttpRequest request, final boolean keepAlive)
    {
        final FullHttpResponse refusal = MetricsScrape.refusal(ctx.alloc(), options.metrics(), authenticator, request, record);
        if (refusal != null)
        {
            write(refusal, keepAlive);
            return;
        }
        inFlight = true; // the connection's next request waits for this reply
        if (!MetricsScrape.submit(ctx, metrics, request.headers().get(HttpHeaderNames.ACCEPT), response ->
        {
            inFlight = false;
            write(response, keepAlive);
            drainQueued();
        }))
        {
            inFlight = false;
            write(Responses.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "Too many metrics scrapes waiting"), keepAlive);
        }
    }

    private void write(final FullHttpResponse response, final boolean keepAlive)
    {
        if (!ctx.channel().isActive() || closing)
        {
            response.release();
            return;
        }
        final int status = response.status().code();
        final int bytes = EncodedReply.bodyBytes(response);
        if (keepAlive)
        {
            EncodedReply.connection(response, true);
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
        else
        {
            closing = true;
            framing.endInput(); // already so, unless the handler itself ends the connection
            queued.releaseAll();
            EncodedReply.connection(response, false);
            ctx.writeAndFlush(response).addListener(written -> LedgerHttpInitializer.lingeringClose(ctx));
        }
        record.written(status, bytes, ctx.channel().remoteAddress());
    }
}
