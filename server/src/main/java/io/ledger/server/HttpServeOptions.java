package io.ledger.server;

import java.nio.file.Path;

import io.ledger.http.HttpLimits;
import io.ledger.http.HttpOptions;
import io.ledger.http.HttpTransport;
import io.ledger.http.TlsFiles;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The HTTP options of {@code ledger serve}: the address to listen on and TLS, every connection and request limit, who
 * may read {@code /metrics}, the health check's stall threshold and the access log. A picocli mixin, so {@link LedgerMain} only names it. As for the other options, each has a flag
 * and a {@code LEDGER_*} environment variable (the flag wins); the defaults and the ranges the help quotes are the
 * constants of {@link HttpLimits} and {@link HttpOptions}, whose {@code validate()} checks them.
 */
final class HttpServeOptions
{
    @Option(
        names = "--bind",
        paramLabel = "ADDRESS",
        defaultValue = "${env:LEDGER_BIND:-" + HttpOptions.BIND_ADDRESS_DEFAULT + "}",
        description = "Local address to listen on: an IP address (0.0.0.0 for every IPv4 interface, :: for every "
            + "interface) or a name of this machine. The default reaches this machine only; in production bind 0.0.0.0 "
            + "with --tls-cert/--tls-key or behind a TLS proxy. Env LEDGER_BIND. Default: ${DEFAULT-VALUE}.")
    String bindAddress;

    @Option(
        names = "--tls-cert",
        paramLabel = "FILE",
        defaultValue = "${env:LEDGER_TLS_CERT}",
        showDefaultValue = CommandLine.Help.Visibility.NEVER,
        description = "Serve HTTPS (TLS 1.3 and 1.2 only) with this PEM certificate chain (the server's certificate "
            + "first); needs --tls-key. Env LEDGER_TLS_CERT. No default: plain HTTP.")
    Path tlsCert;

    @Option(
        names = "--tls-key",
        paramLabel = "FILE",
        defaultValue = "${env:LEDGER_TLS_KEY}",
        showDefaultValue = CommandLine.Help.Visibility.NEVER,
        description = "The certificate's private key: PEM, PKCS#8 (BEGIN PRIVATE KEY), unencrypted; keep it readable by "
            + "the server's user only. Env LEDGER_TLS_KEY. No default.")
    Path tlsKey;

    @Option(
        names = "--body-bytes-max",
        paramLabel = "BYTES",
        defaultValue = "${env:LEDGER_BODY_BYTES_MAX:-" + HttpLimits.BODY_BYTES_MAX_DEFAULT + "}",
        description = "Largest request body in bytes, " + HttpLimits.BODY_BYTES_MAX_FLOOR + ".." + HttpLimits.BODY_BYTES_MAX_CEILING
            + "; larger is 413 and the connection is closed. Env LEDGER_BODY_BYTES_MAX. Default: ${DEFAULT-VALUE}.")
    int bodyBytesMax;

    @Option(
        names = "--header-bytes-max",
        paramLabel = "BYTES",
        defaultValue = "${env:LEDGER_HEADER_BYTES_MAX:-" + HttpLimits.HEADER_BYTES_MAX_DEFAULT + "}",
        description = "Largest header block in bytes, " + HttpLimits.HEADER_BYTES_MAX_FLOOR + ".."
            + HttpLimits.HEADER_BYTES_MAX_CEILING + "; larger is 431. Env LEDGER_HEADER_BYTES_MAX. Default: ${DEFAULT-VALUE}.")
    int headerBytesMax;

    @Option(
        names = "--request-line-bytes-max",
        paramLabel = "BYTES",
        defaultValue = "${env:LEDGER_REQUEST_LINE_BYTES_MAX:-" + HttpLimits.INITIAL_LINE_BYTES_MAX_DEFAULT + "}",
        description = "Longest request line in bytes, " + HttpLimits.INITIAL_LINE_BYTES_MAX_FLOOR + ".."
            + HttpLimits.INITIAL_LINE_BYTES_MAX_CEILING + "; longer is 414. Env LEDGER_REQUEST_LINE_BYTES_MAX. "
            + "Default: ${DEFAULT-VALUE}.")
    int requestLineBytesMax;

    @Option(
        names = "--pipelined-requests-max",
        paramLabel = "REQUESTS",
        defaultValue = "${env:LEDGER_PIPELINED_REQUESTS_MAX:-" + HttpLimits.PIPELINED_REQUESTS_MAX_DEFAULT + "}",
        description = "Requests a connection may have decoded ahead of their replies, " + HttpLimits.PIPELINED_REQUESTS_MAX_FLOOR
            + ".." + HttpLimits.PIPELINED_REQUESTS_MAX_CEILING + "; past it, decoding pauses until replies leave. "
            + "Env LEDGER_PIPELINED_REQUESTS_MAX. Default: ${DEFAULT-VALUE}.")
    int pipelinedRequestsMax;

    @Option(
        names = "--idle-timeout-ms",
        paramLabel = "MS",
        defaultValue = "${env:LEDGER_IDLE_TIMEOUT_MS:-" + HttpLimits.IDLE_TIMEOUT_MS_DEFAULT + "}",
        description = "Close a connection with no traffic either way for this long, milliseconds, "
            + HttpLimits.IDLE_TIMEOUT_MS_FLOOR + ".." + HttpLimits.IDLE_TIMEOUT_MS_CEILING + ". "
            + "Env LEDGER_IDLE_TIMEOUT_MS. Default: ${DEFAULT-VALUE}.")
    long idleTimeoutMs;

    @Option(
        names = "--request-timeout-ms",
        paramLabel = "MS",
        defaultValue = "${env:LEDGER_REQUEST_TIMEOUT_MS:-" + HttpLimits.REQUEST_TIMEOUT_MS_DEFAULT + "}",
        description = "A request must arrive whole (headers and body) within this long of its first byte, "
            + "milliseconds, " + HttpLimits.REQUEST_TIMEOUT_MS_FLOOR + ".." + HttpLimits.REQUEST_TIMEOUT_MS_CEILING
            + "; else 408 and the connection is closed. Env LEDGER_REQUEST_TIMEOUT_MS. "
            + "Default: ${DEFAULT-VALUE}.")
    long requestTimeoutMs;

    @Option(
        names = "--connections-max",
        paramLabel = "CONNECTIONS",
        defaultValue = "${env:LEDGER_CONNECTIONS_MAX:-" + HttpLimits.CONNECTIONS_MAX_DEFAULT + "}",
        description = "Open connections, " + HttpLimits.CONNECTIONS_MAX_FLOOR + ".." + HttpLimits.CONNECTIONS_MAX_CEILING
            + "; beyond it a connection's first request is answered 503 and "
            + "it is closed. Keep it below the file descriptor limit (ulimit -n). Env LEDGER_CONNECTIONS_MAX. "
            + "Default: ${DEFAULT-VALUE}.")
    int connectionsMax;

    @Option(
        names = "--json-depth-max",
        paramLabel = "LEVELS",
        defaultValue = "${env:LEDGER_JSON_DEPTH_MAX:-" + HttpLimits.JSON_DEPTH_MAX_DEFAULT + "}",
        description = "Deepest nesting of a JSON body, " + HttpLimits.JSON_DEPTH_MAX_FLOOR + ".." + HttpLimits.JSON_DEPTH_MAX_CEILING
            + " (the body object is level 1); deeper is 400. "
            + "Env LEDGER_JSON_DEPTH_MAX. Default: ${DEFAULT-VALUE}.")
    int jsonDepthMax;

    @Option(
        names = "--json-string-chars-max",
        paramLabel = "CHARS",
        defaultValue = "${env:LEDGER_JSON_STRING_CHARS_MAX:-" + HttpLimits.JSON_STRING_CHARS_MAX_DEFAULT + "}",
        description = "Longest JSON string or field name in a body, characters, " + HttpLimits.JSON_STRING_CHARS_MAX_FLOOR + ".."
            + HttpLimits.JSON_STRING_CHARS_MAX_CEILING + "; longer is 400 "
            + "(each field also has its own, smaller limit). Env LEDGER_JSON_STRING_CHARS_MAX. Default: ${DEFAULT-VALUE}.")
    int jsonStringCharsMax;

    @Option(
        names = "--write-buffer-bytes-max",
        paramLabel = "BYTES",
        defaultValue = "${env:LEDGER_WRITE_BUFFER_BYTES_MAX:-" + HttpLimits.WRITE_BUFFER_BYTES_MAX_DEFAULT + "}",
        description = "Replies a client has not read, bytes, " + HttpLimits.WRITE_BUFFER_BYTES_MAX_FLOOR + ".."
            + HttpLimits.WRITE_BUFFER_BYTES_MAX_CEILING + "; past it the server stops reading from "
            + "that connection until half has drained. Env LEDGER_WRITE_BUFFER_BYTES_MAX. Default: ${DEFAULT-VALUE}.")
    int writeBufferBytesMax;

    @Option(
        names = "--metrics",
        paramLabel = "ACCESS",
        defaultValue = "${env:LEDGER_METRICS:-" + HttpOptions.METRICS_DEFAULT + "}",
        description = "Who may read GET /metrics (Prometheus text): 'token' (an operator token, see 'ledger token "
            + "--operator'; a merchant's gets 403), 'public' (no token: only where no one but operators and the scraper "
            + "reach the port) or 'off' (404). Env LEDGER_METRICS. Default: ${DEFAULT-VALUE}.")
    String metrics;

    @Option(
        names = "--health-stall-ms",
        paramLabel = "MS",
        defaultValue = "${env:LEDGER_HEALTH_STALL_MS:-" + HttpOptions.HEALTH_STALL_MS_DEFAULT + "}",
        description = "GET /api/canary/health answers 503 (ledger down) once the ledger thread has gone this long without "
            + "completing a command while one waits, " + HttpOptions.HEALTH_STALL_MS_FLOOR + ".." + HttpOptions.HEALTH_STALL_MS_CEILING
            + " ms. Env LEDGER_HEALTH_STALL_MS. Default: ${DEFAULT-VALUE}.")
    long healthStallMs;

    @Option(
        names = "--transport",
        paramLabel = "auto|epoll|nio",
        defaultValue = "${env:LEDGER_TRANSPORT:-" + HttpTransport.DEFAULT + "}",
        description = "The socket layer: epoll (Netty's native transport, Linux x86-64: fewer system calls per request), "
            + "nio (Java's, every platform), or auto: epoll where its native library loads, else nio. "
            + "Env LEDGER_TRANSPORT. Default: ${DEFAULT-VALUE}.")
    String transport;

    @Option(
        names = "--access-log",
        paramLabel = "BOOLEAN",
        arity = "0..1",
        fallbackValue = "true",
        defaultValue = "${env:LEDGER_ACCESS_LOG:-" + HttpOptions.ACCESS_LOG_DEFAULT + "}",
        description = "Log one line per response (method, path without query, status, bytes, duration, merchant, "
            + "remote address) on the logger io.ledger.http.access. Env LEDGER_ACCESS_LOG (true or false). "
            + "Default: ${DEFAULT-VALUE}.")
    boolean accessLog;

    /**
     * @return the options as given; {@link HttpOptions#validate()} (through {@code LedgerServer.Config#validate()}) is
     *         where their ranges are checked.
     * @throws LedgerMain.OptionException when {@code --metrics} names no access level or {@code --transport} no transport.
     */
    HttpOptions toOptions()
    {
        final HttpOptions.MetricsAccess metricsAccess;
        final HttpTransport httpTransport;
        try
        {
            metricsAccess = HttpOptions.MetricsAccess.parse(metrics);
            httpTransport = HttpTransport.parse(transport);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new LedgerMain.OptionException("--" + ex.getMessage());
        }
        final HttpLimits limits = new HttpLimits(bodyBytesMax, headerBytesMax, requestLineBytesMax, pipelinedRequestsMax,
            idleTimeoutMs, requestTimeoutMs, connectionsMax, jsonDepthMax, jsonStringCharsMax, writeBufferBytesMax);
        final TlsFiles tls = tlsCert == null && tlsKey == null ? null : new TlsFiles(tlsCert, tlsKey);
        return new HttpOptions(limits, metricsAccess, accessLog, bindAddress, tls, healthStallMs).withTransport(httpTransport);
    }
}
