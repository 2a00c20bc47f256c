package io.ledger.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * What waits for its turn while a command is in flight (or while the client does not read its replies): requests,
 * with the time each was decoded, refusals and interim responses, in arrival order. Two fixed circular arrays, so
 * queueing allocates nothing. At most {@code requestsMax} requests (decoding pauses there), each perhaps preceded
 * by a {@code 100 Continue}, and one refusal, which is always the last. Event loop only.
 */
final class RequestQueue
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
