package io.ledger.http;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.ReplySink;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's reply sink: on the reply thread, encodes the outcome of a command as the HTTP response and hands
 * it to the connection that asked, and counts the command's outcome and its time in the pipeline. One instance
 * serves every connection; the event names the connection.
 */
final class ReplyPublisher implements ReplySink
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplyPublisher.class);

    static final ReplyPublisher INSTANCE = new ReplyPublisher();

    private ReplyPublisher()
    {
    }

    @Override
    public void onReply(final CommandEvent event)
    {
        final LedgerRequestHandler connection = (LedgerRequestHandler)event.replyContext();
        connection.metrics().commandReplied(event.type(), event.result(), event.commandId(), connection.publishedNs());
        FullHttpResponse response;
        try
        {
            response = Responses.reply(connection.alloc(), connection.inFlightEndpoint(), event, connection.ids());
        }
        catch (final RuntimeException ex)
        {
            LOG.error("reply encoding failed commandId={} type={}", event.commandId(), event.type(), ex);
            response = Responses.error(connection.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal server error");
        }
        connection.deliver(response, event.result());
    }
}
