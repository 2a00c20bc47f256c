package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The oracle itself: {@link Contract} must refuse what a strict generated SDK would refuse, or the contract tests prove nothing. */
@Timeout(30)
class ContractOracleTest
{
    private static final String CUSTOMER = "/components/schemas/CustomerResponseDto";
    private static final String CUSTOMERS = "/components/schemas/ListCustomersResponseDto";

    private static ObjectNode customer()
    {
        try
        {
            return (ObjectNode)Contract.MAPPER.readTree("{\"id\":\"cus_fmj57psq8x\",\"createdAt\":\"2026-11-22T00:52:00.811Z\","
                + "\"updatedAt\":\"2026-11-22T00:52:00.811Z\",\"merchantId\":\"m\",\"phoneNumber\":\"+27821234567\",\"metadata\":{\"any\":{\"x\":1}}}");
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void shouldAcceptAConformingBody()
    {
        assertEquals(List.of(), Contract.validate(CUSTOMER, customer()));
    }

    @Test
    void shouldRefuseAPropertyTheSchemaDoesNotName()
    {
        assertFalse(Contract.validate(CUSTOMER, customer().put("balance", 0)).isEmpty());
        final JsonNode list = Contract.MAPPER.createObjectNode()
            .<ObjectNode>set("data", Contract.MAPPER.createArrayNode().add(customer().put("extra", true)))
            .set("pagination", Contract.MAPPER.createObjectNode().put("limit", 50).put("offset", 0).put("total", 1).put("hasMore", false));
        assertFalse(Contract.validate(CUSTOMERS, list).isEmpty(), "nested items are closed too");
        final ObjectNode extraPagination = (ObjectNode)list.deepCopy();
        ((ObjectNode)extraPagination.get("data").get(0)).remove("extra");
        assertEquals(List.of(), Contract.validate(CUSTOMERS, extraPagination));
        ((ObjectNode)extraPagination.get("pagination")).put("page", 1);
        assertFalse(Contract.validate(CUSTOMERS, extraPagination).isEmpty(), "referenced schemas are closed too");
    }

    @Test
    void shouldRefuseNullForAnAbsentOptionalPropertyAMissingRequiredOneAndABadTimestamp()
    {
        assertFalse(Contract.validate(CUSTOMER, customer().putNull("email")).isEmpty());
        assertFalse(Contract.validate(CUSTOMER, customer().without("phoneNumber")).isEmpty());
        assertFalse(Contract.validate(CUSTOMER, customer().put("createdAt", "22/11/2026")).isEmpty());
        assertFalse(Contract.validate(CUSTOMER, customer().put("merchantId", 5)).isEmpty());
    }

    @Test
    void shouldRefuseTheWalletFeaturesFieldsInAPlainCashfulReplyButAcceptThemWhenTheRequestUsedAFeature() throws Exception
    {
        final JsonNode plain = Contract.MAPPER.readTree("{\"id\":\"bal_fmj57psq8x\",\"createdAt\":\"2026-11-22T00:52:00.811Z\","
            + "\"updatedAt\":\"2026-11-22T00:52:00.811Z\",\"customerId\":\"cus_fmj57psq8x\",\"merchantId\":\"m\",\"amount\":100,"
            + "\"currency\":\"ZAR\",\"available\":100,\"pending\":0}");
        final ObjectNode gifted = ((ObjectNode)plain.deepCopy()).put("giftAmount", 700);
        final String template = "/api/canary/customers/{id}/balance";
        assertEquals(List.of(), Contract.validateAgainstReference(reply(template, plain, false), plain));
        assertFalse(Contract.validateAgainstReference(reply(template, gifted, false), gifted).isEmpty(),
            "the served document allows giftAmount; the reference does not");
        assertEquals(List.of(), Contract.validate("/components/schemas/CustomerBalanceDto", gifted));
        assertEquals(List.of(), Contract.validateAgainstReference(reply("/api/canary/purchases/{id}", gifted, false), gifted),
            "an operation the reference does not have is checked against the served document only");
    }

    private static LedgerHarness.Reply reply(final String template, final JsonNode body, final boolean features)
    {
        return new LedgerHarness.Reply("GET", template, 200, java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true),
            body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), features);
    }
}
