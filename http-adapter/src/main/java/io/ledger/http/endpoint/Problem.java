package io.ledger.http.endpoint;

import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What is wrong with a request, collected while parsing so that one response lists every problem (as the
 * Cashful API's validation errors do). Rendered as the {@code BadRequestResponseDto} shape:
 * {@code {"statusCode": 400, "message": [...], "error": "Bad Request"}}.
 */
public final class Problem
{
    private HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
    private final List<String> messages = new ArrayList<>(4);

    /** Adds a 400 message; ignored once another status was set (that status's messages say what matters). */
    public Problem add(final String message)
    {
        if (status.equals(HttpResponseStatus.BAD_REQUEST))
        {
            addMessage(message);
        }
        return this;
    }

    private void addMessage(final String message)
    {
        if (messages.size() < 20)
        {
            messages.add(message);
        }
    }

    /** Sets a status other than 400 (403, 415...); the first non-400 status wins. */
    public Problem status(final HttpResponseStatus status, final String message)
    {
        if (this.status.equals(HttpResponseStatus.BAD_REQUEST))
        {
            this.status = status;
            messages.clear();
        }
        if (this.status.equals(status))
        {
            addMessage(message);
        }
        return this;
    }

    public boolean any()
    {
        return !messages.isEmpty();
    }

    public HttpResponseStatus status()
    {
        return status;
    }

    public List<String> messages()
    {
        return messages;
    }

    public void clear()
    {
        status = HttpResponseStatus.BAD_REQUEST;
        messages.clear();
    }
}
