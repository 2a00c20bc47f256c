package io.ledger.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small HTTP client for the cluster tests: JSON in, status and body out. */
final class Http
{
    record Response(int status, String body, boolean replayed)
    {
        String field(final String name)
        {
            final Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",}]*)").matcher(body);
            return m.find() ? m.group(1) : null;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String token;

    Http(final String token)
    {
        this.token = token;
    }

    Response send(final int port, final String method, final String path, final String body, final String idempotencyKey)
        throws IOException, InterruptedException
    {
        return send("127.0.0.1", port, method, path, body, idempotencyKey);
    }

    Response send(final String host, final int port, final String method, final String path, final String body,
        final String idempotencyKey) throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null)
        {
            request.header("Idempotency-Key", idempotencyKey);
        }
        final HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(response.statusCode(), response.body(),
            "true".equals(response.headers().firstValue("Idempotent-Replayed").orElse(null)));
    }
}
