package io.ledger.apitests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;

/**
 * The served OpenAPI document as a test oracle. A reply conforms when:
 * <ul>
 *   <li>its operation (method and path template) is in the document and lists its status;</li>
 *   <li>it is {@code application/json} and its body validates against that status's schema, with the document's
 *       own OpenAPI 3.0 schema dialect, {@code date-time} formats asserted, and every object schema that names
 *       properties made closed ({@code additionalProperties: false} unless the schema says otherwise), because the
 *       Cashful SDKs are generated with strict models that reject unknown fields; a {@code null} where the schema
 *       has a type is refused too, since absent optional properties must be omitted;</li>
 *   <li>an error (4xx/5xx) has the error shape, {@code statusCode} equal to the HTTP status and at least one message;</li>
 *   <li>a success has no fractional number anywhere: money, counts and pagination are integers;</li>
 *   <li>a success of an operation the Cashful reference ({@code openapi/cashful-ledger-subset.json}) has validates, closed
 *       the same way, against the reference's own schema for that status too, unless the request used one of this
 *       project's wallet features ({@link LedgerHarness.Request#features()}): the optional properties the features add
 *       to three reference schemas must never reach a plain Cashful client.</li>
 * </ul>
 * Thread-safe: schemas are compiled once per location and cached.
 */
final class Contract
{
    /** The document's base IRI for the validator; never fetched, the document is registered under it. */
    private static final String DOCUMENT_IRI = "https://ledger.invalid/openapi.json";
    static final String RESOURCE = "io/ledger/http/openapi.json";
    static final Pattern ID = Pattern.compile("(cus|pur|pin|trf|po|pm|txn|rfd|gft)_[0-9abcdefghjkmnpqrstvwxyz]{10}");

    static final ObjectMapper MAPPER = JsonMapper.builder()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();

    private static final JsonNode DOCUMENT = load();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30(), builder -> builder
        .schemas(Map.of(DOCUMENT_IRI, closed(DOCUMENT).toString()))
        .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();
    /** The Cashful reference's base IRI for the validator, never fetched. */
    private static final String REFERENCE_IRI = "https://ledger.invalid/cashful-ledger-subset.json";
    private static final JsonNode REFERENCE = loadReference();
    private static final SchemaRegistry REFERENCE_REGISTRY = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30(), builder -> builder
        .schemas(Map.of(REFERENCE_IRI, closed(REFERENCE).toString()))
        .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final Map<String, Schema> REFERENCE_SCHEMAS = new ConcurrentHashMap<>();

    private Contract()
    {
    }

    static JsonNode document()
    {
        return DOCUMENT;
    }

    /**
     * @return the parsed body.
     * @throws AssertionError listing every way the reply departs from the document.
     */
    static JsonNode check(final LedgerHarness.Reply reply)
    {
        final String what = reply.method() + " " + reply.template() + " -> " + reply.status();
        final List<String> problems = new ArrayList<>();
        final String contentType = reply.header("content-type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json"))
        {
            problems.add("Content-Type is " + contentType + ", not application/json");
        }
        final JsonNode body;
        try
        {
            body = MAPPER.readTree(reply.bytes());
        }
        catch (final IOException ex)
        {
            throw new AssertionError(what + ": body is not JSON: " + reply.body(), ex);
        }

        final JsonNode operation = DOCUMENT.path("paths").path(reply.template()).path(reply.method().toLowerCase(Locale.ROOT));
        if (operation.isMissingNode())
        {
            // Not an operation: only an unknown route (404) or a wrong method (405) may answer, with the error shape.
            if (reply.status() != 404 && reply.status() != 405)
            {
                problems.add("no operation " + reply.method() + " " + reply.template() + " in the document");
            }
        }
        else
        {
            final String responsePointer = responsePointer(reply.template(), reply.method(), operation, String.valueOf(reply.status()), problems);
            if (responsePointer != null)
            {
                final JsonNode response = DOCUMENT.at(responsePointer);
                if (response.path("content").has("application/json"))
                {
                    problems.addAll(validate(responsePointer + "/content/application~1json/schema", body));
                }
                else if (reply.status() < 400)
                {
                    problems.add("the document gives status " + reply.status() + " no body, but one was sent");
                }
            }
        }
        if (reply.status() >= 400)
        {
            problems.addAll(validate("/components/schemas/ErrorResponseDto", body));
            if (body.path("statusCode").asInt() != reply.status())
            {
                problems.add("statusCode " + body.path("statusCode") + " is not the HTTP status");
            }
            if (!body.path("message").isArray() || body.path("message").isEmpty())
            {
                problems.add("message must list at least one problem");
            }
        }
        else if (!"/openapi.json".equals(reply.template()))
        {
            fractions(body, "$", problems); // the document itself carries the reference's fractional examples
            if (!reply.features())
            {
                problems.addAll(validateAgainstReference(reply, body));
            }
        }
        if (!problems.isEmpty())
        {
            throw new AssertionError(what + " does not conform to /openapi.json:\n  " + String.join("\n  ", problems) + "\n  body: " + reply.body());
        }
        return body;
    }

    /** @return the errors of {@code node} against the schema at {@code pointer} in the closed document. */
    static List<String> validate(final String pointer, final JsonNode node)
    {
        final Schema schema = SCHEMAS.computeIfAbsent(pointer, p -> REGISTRY.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + p)));
        final List<String> problems = new ArrayList<>();
        for (final Error error : schema.validate(node))
        {
            problems.add(error.toString());
        }
        return problems;
    }

    /**
     * @return the errors of a success's body against the Cashful reference's schema for its operation and status, closed;
     *         none when the reference does not have the operation or gives that status no body.
     */
    static List<String> validateAgainstReference(final LedgerHarness.Reply reply, final JsonNode body)
    {
        final String responsePointer = "/paths/" + escape(reply.template()) + "/" + reply.method().toLowerCase(Locale.ROOT)
            + "/responses/" + reply.status();
        final JsonNode response = REFERENCE.at(responsePointer);
        if (response.isMissingNode() || !response.path("content").has("application/json"))
        {
            return List.of();
        }
        final Schema schema = REFERENCE_SCHEMAS.computeIfAbsent(responsePointer + "/content/application~1json/schema",
            p -> REFERENCE_REGISTRY.getSchema(SchemaLocation.of(REFERENCE_IRI + "#" + p)));
        final List<String> problems = new ArrayList<>();
        for (final Error error : schema.validate(body))
        {
            problems.add("against the Cashful reference: " + error);
        }
        return problems;
    }

    /** @return a JSON pointer to the (dereferenced) response for {@code status}, or null when it is not documented. */
    private static String responsePointer(
        final String template, final String method, final JsonNode operation, final String status, final List<String> problems)
    {
        final JsonNode response = operation.path("responses").path(status);
        if (response.isMissingNode())
        {
            problems.add("status " + status + " is not documented for " + method + " " + template);
            return null;
        }
        if (response.has("$ref"))
        {
            return response.get("$ref").asText().substring(1);
        }
        return "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + status;
    }

    private static void fractions(final JsonNode node, final String path, final List<String> problems)
    {
        if (node.isNumber() && !node.isIntegralNumber())
        {
            problems.add(path + " is " + node + ": numbers in this API are integers");
        }
        if (node.isObject())
        {
            node.properties().forEach(e -> fractions(e.getValue(), path + "." + e.getKey(), problems));
        }
        else if (node.isArray())
        {
            for (int i = 0; i < node.size(); i++)
            {
                fractions(node.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    static String escape(final String token)
    {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode load()
    {
        try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException("classpath resource " + RESOURCE + " (from ledger-http-adapter) is missing");
            }
            return MAPPER.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static JsonNode loadReference()
    {
        final java.nio.file.Path file = java.nio.file.Path.of(System.getProperty("ledger.openapi.reference.dir", "openapi"),
            "cashful-ledger-subset.json");
        try
        {
            return MAPPER.readTree(java.nio.file.Files.readString(file));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("the Cashful reference " + file.toAbsolutePath(), ex);
        }
    }

    /** @return a copy of the document whose component schemas reject properties they do not name. */
    private static JsonNode closed(final JsonNode document)
    {
        final JsonNode copy = document.deepCopy();
        final Iterator<JsonNode> schemas = copy.path("components").path("schemas").elements();
        while (schemas.hasNext())
        {
            close(schemas.next());
        }
        return copy;
    }

    private static void close(final JsonNode schema)
    {
        if (!schema.isObject())
        {
            return;
        }
        final ObjectNode object = (ObjectNode)schema;
        if (object.has("properties"))
        {
            if (!object.has("additionalProperties"))
            {
                object.set("additionalProperties", BooleanNode.FALSE);
            }
            object.get("properties").elements().forEachRemaining(Contract::close);
        }
        if (object.has("items"))
        {
            close(object.get("items"));
        }
        for (final String combinator : List.of("allOf", "anyOf", "oneOf"))
        {
            if (object.has(combinator))
            {
                object.get(combinator).elements().forEachRemaining(Contract::close);
            }
        }
    }
}
