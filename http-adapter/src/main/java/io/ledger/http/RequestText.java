package io.ledger.http;

import java.util.List;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

/** What the request handler reads or quotes of a request's text: its content type, its path and ids, the allowed methods. Stateless. */
final class RequestText
{
    private RequestText()
    {
    }

    /** @return the percent-decoded path id, or null (an unknown id: 404) when its escapes are malformed. */
    static String decodeId(final String rawId)
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

    static String joinMethods(final List<HttpMethod> methods)
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

    /** @return the path as a message quotes it: at most 200 characters. */
    static String truncate(final String path)
    {
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }
}
