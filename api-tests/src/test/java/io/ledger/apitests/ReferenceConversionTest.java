package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code openapi/cashful-ledger-subset.json} is the reference YAML converted by {@code build_openapi.py}, a
 * development-time Python script the build does not run. This checks that conversion with another YAML parser, so
 * that the JSON the other tests compare against cannot drift from the reference without a failing build.
 */
@Timeout(30)
class ReferenceConversionTest
{
    @Test
    void shouldHoldTheReferenceYamlUnchangedAsJson() throws IOException
    {
        final Path dir = Path.of(System.getProperty("ledger.openapi.reference.dir", "openapi"));
        final JsonNode yaml = new YAMLMapper().readTree(dir.resolve("cashful-ledger-subset.yaml").toFile());
        final JsonNode json = new ObjectMapper().readTree(dir.resolve("cashful-ledger-subset.json").toFile());
        assertEquals(yaml, json);
    }
}
