package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.ledger.http.endpoint.Endpoints;
import io.ledger.http.endpoint.Route;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OpenAPI document the server serves at {@code GET /openapi.json} (the classpath resource
 * {@code io/ledger/http/openapi.json}, built by {@code api-tests/openapi/build_openapi.py}) against the two things it
 * must not drift from: the Cashful reference, whose paths and schemas it carries unchanged, and {@link Endpoints#routes()},
 * the routes the server actually answers. Routes are compared by method and template, never by name, so that the
 * check holds as routes are added.
 *
 * <p>The reference is read from {@code api-tests/openapi/cashful-ledger-subset.json}, the committed JSON form of the
 * reference YAML (api-tests' ReferenceConversionTest checks that conversion against the YAML itself).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenApiDocumentTest
{
    static final String RESOURCE = "io/ledger/http/openapi.json";
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String IDEMPOTENCY_KEY_REF = "#/components/parameters/IdempotencyKey";

    /**
     * The one place where the document departs from a reference operation rather than adding to it: the reference
     * gives DELETE /api/canary/payment-methods/{id} an untyped, example-only 200 schema; the document names it
     * DeletePaymentMethodResponseDto (which keeps that example), so that generated clients get a typed result.
     */
    private static final String DELETE_PAYMENT_METHOD = "/api/canary/payment-methods/{id}";

    private static Map<String, Object> document;
    private static Map<String, Object> reference;

    @BeforeAll
    static void load() throws IOException
    {
        try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(RESOURCE))
        {
            assertNotNull(in, "classpath resource " + RESOURCE + " is missing");
            document = map(parse(in.readAllBytes()));
        }
        reference = map(parse(Files.readAllBytes(referenceFile())));
    }

    @Test
    void shouldBeAnOpenApi30DocumentWithUniqueOperationIdsAndTags()
    {
        assertTrue(((String)document.get("openapi")).startsWith("3.0."), "openapi=" + document.get("openapi"));
        final Set<String> operationIds = new TreeSet<>();
        operations(document).forEach((key, operation) ->
        {
            final String id = (String)operation.get("operationId");
            assertNotNull(id, key + " has no operationId");
            assertTrue(operationIds.add(id), "operationId " + id + " is used twice");
            assertTrue(operation.get("tags") instanceof List<?> tags && tags.size() == 1, key + " must have one tag (one client class)");
        });
    }

    @Test
    void shouldResolveEveryReference()
    {
        final List<String> unresolved = new ArrayList<>();
        walk(document, "#", (pointer, node) ->
        {
            if (node instanceof Map<?, ?> m && m.get("$ref") instanceof String ref && resolve(document, ref) == null)
            {
                unresolved.add(pointer + " -> " + ref);
            }
        });
        assertEquals(List.of(), unresolved);
    }

    /**
     * Every reference schema is carried as it is, but for optional properties this project adds for its features (the
     * server sends them only when a request used the feature): each new to its schema, never required.
     */
    @Test
    void shouldCarryEveryReferenceSchemaUnchangedButForAddedOptionalProperties()
    {
        final Map<String, Object> referenceSchemas = map(map(reference.get("components")).get("schemas"));
        final Map<String, Object> schemas = map(map(document.get("components")).get("schemas"));
        final Set<String> extended = new TreeSet<>();
        referenceSchemas.forEach((name, referenceSchema) ->
        {
            final Map<String, Object> schema = deepCopy(map(schemas.get(name)));
            if (schema.get("properties") instanceof Map<?, ?> && map(referenceSchema).get("properties") instanceof Map<?, ?>)
            {
                final Map<String, Object> properties = map(schema.get("properties"));
                final Map<String, Object> referenceProperties = map(map(referenceSchema).get("properties"));
                if (properties.keySet().removeIf(property -> !referenceProperties.containsKey(property)))
                {
                    extended.add(name);
                }
            }
            assertEquals(referenceSchema, schema, "components/schemas/" + name + ", its added properties left out");
        });
        assertEquals(Set.of("CreatePurchaseDto", "PurchaseResponseDto", "CustomerBalanceDto"), extended,
            "the reference schemas the wallet features add optional properties to");
        assertEquals(map(reference.get("components")).get("securitySchemes"), map(document.get("components")).get("securitySchemes"));
        assertEquals(reference.get("openapi"), document.get("openapi"));
    }

    @Test
    void shouldCarryEveryReferenceOperationUnchangedExceptForAdditions()
    {
        final Map<String, Map<String, Object>> served = operations(document);
        operations(reference).forEach((key, referenceOperation) ->
        {
            final Map<String, Object> operation = served.get(key);
            assertNotNull(operation, key + " from the reference is missing");
            assertEquals(referenceOperation.keySet(), operation.keySet(), key + ": the operation's fields");
            for (final String field : referenceOperation.keySet())
            {
                switch (field)
                {
                    case "parameters" -> assertParametersExtend(key, list(referenceOperation.get(field)), list(operation.get(field)));
                    case "responses" -> assertResponsesExtend(key, map(referenceOperation.get(field)), map(operation.get(field)));
                    default -> assertEquals(referenceOperation.get(field), operation.get(field), key + ": " + field);
                }
            }
        });
    }

    @Test
    void shouldNameTheReferenceDeleteExampleInDeletePaymentMethodResponseDto()
    {
        final Object referenceSchema = resolve(reference,
            "#/paths/" + escape(DELETE_PAYMENT_METHOD) + "/delete/responses/200/content/application~1json/schema");
        final Map<String, Object> schema = map(resolve(document, "#/components/schemas/DeletePaymentMethodResponseDto"));
        assertEquals(map(referenceSchema).get("example"), schema.get("example"));
        assertEquals(Set.of("example"), map(referenceSchema).keySet(), "the reference schema is example-only");
    }

    @Test
    void shouldAcceptAnIdempotencyKeyOnEveryPost()
    {
        operations(document).forEach((key, operation) ->
        {
            if (key.startsWith("post "))
            {
                assertTrue(list(operation.get("parameters")).contains(Map.of("$ref", IDEMPOTENCY_KEY_REF)), key + " lacks Idempotency-Key");
            }
        });
    }

    @Test
    void shouldDocumentEveryRouteTheServerAnswers()
    {
        final Set<String> documented = operations(document).keySet();
        final List<String> undocumented = new ArrayList<>();
        for (final Route route : Endpoints.routes())
        {
            final String key = key(route);
            if (!documented.contains(key))
            {
                undocumented.add(route + " = " + key);
            }
        }
        assertEquals(List.of(), undocumented, "routes the server answers that /openapi.json does not describe");
    }

    @Test
    void shouldServeEveryDocumentedOperation()
    {
        final Set<String> routes = new TreeSet<>();
        for (final Route route : Endpoints.routes())
        {
            routes.add(key(route));
        }
        final List<String> unserved = new ArrayList<>();
        operations(document).forEach((key, operation) ->
        {
            if (!routes.contains(key))
            {
                unserved.add(key + " (" + operation.get("operationId") + ")");
            }
        });
        assertEquals(List.of(), unserved, "operations /openapi.json describes that no io.ledger.http.endpoint.Route serves");
    }

    // ---- comparison rules

    /** The reference's parameters come first and unchanged; a POST adds exactly the Idempotency-Key after them. */
    private static void assertParametersExtend(final String key, final List<Object> referenceParameters, final List<Object> parameters)
    {
        final List<Object> expected = new ArrayList<>(referenceParameters);
        if (key.startsWith("post "))
        {
            expected.add(Map.of("$ref", IDEMPOTENCY_KEY_REF));
        }
        assertEquals(expected, parameters, key + ": parameters");
    }

    /** Every reference status stays as it is; added statuses refer to the shared error responses. */
    private static void assertResponsesExtend(final String key, final Map<String, Object> referenceResponses, final Map<String, Object> responses)
    {
        for (final Map.Entry<String, Object> entry : referenceResponses.entrySet())
        {
            final String status = entry.getKey();
            final Object response = responses.get(status);
            if (key.equals("delete " + DELETE_PAYMENT_METHOD) && status.equals("200"))
            {
                final Map<String, Object> expected = deepCopy(map(entry.getValue()));
                map(map(expected.get("content")).get("application/json")).put(
                    "schema", Map.of("$ref", "#/components/schemas/DeletePaymentMethodResponseDto"));
                assertEquals(expected, response, key + " " + status);
                continue;
            }
            assertEquals(entry.getValue(), response, key + ": response " + status);
        }
        for (final Map.Entry<String, Object> entry : responses.entrySet())
        {
            if (!referenceResponses.containsKey(entry.getKey()))
            {
                final Object ref = map(entry.getValue()).get("$ref");
                assertTrue(ref instanceof String s && s.startsWith("#/components/responses/"),
                    key + ": added response " + entry.getKey() + " must refer to a shared response, was " + entry.getValue());
                assertTrue(Integer.parseInt(entry.getKey()) >= 400, key + ": only error statuses are added to reference operations");
            }
        }
    }

    // ---- document helpers

    private static String key(final Route route)
    {
        return route.method().name().toLowerCase(Locale.ROOT) + " " + route.template();
    }

    /** @return "method path" -> operation, in document order. */
    private static Map<String, Map<String, Object>> operations(final Map<String, Object> doc)
    {
        final Map<String, Map<String, Object>> operations = new LinkedHashMap<>();
        map(doc.get("paths")).forEach((path, item) -> map(item).forEach((method, operation) ->
        {
            if (HTTP_METHODS.contains(method))
            {
                operations.put(method + " " + path, map(operation));
            }
        }));
        return operations;
    }

    /** @return the node a local reference ({@code #/a/b~1c}) points at, or null. */
    private static Object resolve(final Map<String, Object> doc, final String ref)
    {
        if (!ref.startsWith("#/"))
        {
            return null;
        }
        Object node = doc;
        for (final String token : ref.substring(2).split("/"))
        {
            if (!(node instanceof Map<?, ?> m))
            {
                return null;
            }
            node = m.get(token.replace("~1", "/").replace("~0", "~"));
        }
        return node;
    }

    private static String escape(final String token)
    {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private interface Visitor
    {
        void visit(String pointer, Object node);
    }

    private static void walk(final Object node, final String pointer, final Visitor visitor)
    {
        visitor.visit(pointer, node);
        if (node instanceof Map<?, ?> m)
        {
            m.forEach((k, v) -> walk(v, pointer + "/" + escape((String)k), visitor));
        }
        else if (node instanceof List<?> l)
        {
            for (int i = 0; i < l.size(); i++)
            {
                walk(l.get(i), pointer + "/" + i, visitor);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object node)
    {
        if (!(node instanceof Map))
        {
            fail("expected a JSON object, was " + node);
        }
        return (Map<String, Object>)node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(final Object node)
    {
        if (!(node instanceof List))
        {
            fail("expected a JSON array, was " + node);
        }
        return (List<Object>)node;
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(final T node)
    {
        if (node instanceof Map<?, ?> m)
        {
            final Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String)k, deepCopy(v)));
            return (T)copy;
        }
        if (node instanceof List<?> l)
        {
            final List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(deepCopy(v)));
            return (T)copy;
        }
        return node;
    }

    /**
     * The reference JSON lives in the api-tests module, which owns the conversion. Surefire runs with the module
     * directory as working directory; an IDE may not, so walk up until the file is found.
     */
    private static Path referenceFile()
    {
        final Path relative = Path.of("api-tests", "openapi", "cashful-ledger-subset.json");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate))
            {
                return candidate;
            }
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    // ---- a plain jackson-core tree reader (the adapter's Json.FACTORY limits nesting for request bodies)

    private static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    static Object parse(final byte[] json)
    {
        try (JsonParser parser = FACTORY.createParser(json))
        {
            parser.nextToken();
            final Object value = read(parser);
            assertEquals(null, parser.nextToken(), "trailing data");
            return value;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static Object read(final JsonParser parser) throws IOException
    {
        final JsonToken token = parser.currentToken();
        return switch (token)
        {
            case START_OBJECT ->
            {
                final Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME)
                {
                    final String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, read(parser));
                }
                yield object;
            }
            case START_ARRAY ->
            {
                final List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY)
                {
                    array.add(read(parser));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
            case VALUE_TRUE, VALUE_FALSE -> parser.getBooleanValue();
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("unexpected token " + token);
        };
    }
}
