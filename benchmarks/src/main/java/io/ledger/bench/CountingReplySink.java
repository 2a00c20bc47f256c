package io.ledger.bench;

import java.util.concurrent.atomic.AtomicLong;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.ReplySink;
import io.ledger.engine.ResultCode;

/**
 * Counts replies, and accepted ones, for a publisher waiting for its batch. Written by the reply thread only;
 * {@link #replies()} may be read from any thread, and a reader that has seen {@code n} replies also sees
 * {@link #accepted()} for them.
 */
final class CountingReplySink implements ReplySink
{
    private final AtomicLong replies = new AtomicLong();
    private volatile long accepted;

    @Override
    public void onReply(final CommandEvent event)
    {
        if (event.result() == ResultCode.OK)
        {
            accepted = accepted + 1; // single writer
        }
        replies.lazySet(replies.get() + 1);
    }

    long replies()
    {
        return replies.get();
    }

    long accepted()
    {
        return accepted;
    }
}
