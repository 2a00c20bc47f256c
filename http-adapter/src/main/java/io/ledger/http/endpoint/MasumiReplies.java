package io.ledger.http.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.MasumiPurchaseRecord;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;

/** How the Masumi dialect writes a purchase ({@code docs/dialect-masumi.md}): every key of seed 003's example. Stateless. */
final class MasumiReplies
{
    private MasumiReplies()
    {
    }

    /** Which answer a purchase is written for: the keys differ a little, as in Masumi's schemas. */
    enum View
    {
        /** The create reply: {@code onChainState} null and {@code FundsLockingRequested}, as Masumi answers a new purchase. */
        CREATED,
        /** A duplicate's {@code object}: the purchase as it is now. */
        CURRENT,
        /** A list item: the create keys plus {@code collateralReturnLovelace}, cooldowns and {@code TransactionHistory}. */
        LISTED,
        /** The refund routes: no {@code inputHash}. */
        REFUND
    }

    /** Writes a Masumi purchase with every key of the seed's example, filled from the ledger. */
    static void writePurchase(final JsonGenerator json, final MasumiPurchaseRecord.View view, final Ids ids, final View as) throws IOException
    {
        final MasumiPurchaseRecord masumi = view.masumi();
        final PurchaseRecord purchase = view.purchase();
        final Map<String, String> echo = parseEcho(masumi.echoJson());
        final PurchaseStatus status = purchase.status();
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.PURCHASE, purchase.key()));
        json.writeStringField("createdAt", Json.timestamp(masumi.createdAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(Math.max(masumi.updatedAtMs(), purchase.updatedAtMs())));
        json.writeStringField("blockchainIdentifier", masumi.blockchainIdentifier());
        json.writeNullField("lastCheckedAt");
        json.writeStringField("submitResultTime", echo.getOrDefault("submitResultTime", "0"));
        json.writeStringField("unlockTime", Long.toString(purchase.releaseAtMs()));
        json.writeStringField("externalDisputeUnlockTime", echo.getOrDefault("externalDisputeUnlockTime", "0"));
        json.writeNullField("payByTime"); // stored and journaled, but null as in the seed's example (Masumi's purchases then kept none)
        json.writeStringField("requestedById", ids.format(IdKind.API_KEY, masumi.apiKeyKey()));
        json.writeStringField("resultHash", "");
        if (as == View.CREATED)
        {
            json.writeNullField("onChainState");
        }
        else
        {
            json.writeStringField("onChainState", onChainState(status, masumi.refundRequested()));
        }
        if (as != View.REFUND)
        {
            json.writeStringField("inputHash", echo.getOrDefault("inputHash", ""));
        }
        json.writeObjectFieldStart("NextAction");
        json.writeStringField("requestedAction", as == View.CREATED ? "FundsLockingRequested"
            : status == PurchaseStatus.HELD ? "WaitingForExternalAction" : "None");
        json.writeNullField("errorType");
        json.writeNullField("errorNote");
        json.writeEndObject();
        json.writeNullField("CurrentTransaction");
        json.writeArrayFieldStart("PaidFunds");
        writeFunds(json, purchase.amountMinor(), masumi.unit());
        json.writeEndArray();
        json.writeObjectFieldStart("PaymentSource");
        json.writeStringField("id", "ledger-escrow-" + masumi.network().toLowerCase(java.util.Locale.ROOT));
        json.writeStringField("policyId", masumi.agentIdentifier().substring(0, Math.min(56, masumi.agentIdentifier().length())));
        json.writeStringField("network", masumi.network());
        json.writeStringField("smartContractAddress", "ledger:escrow");
        json.writeStringField("paymentType", echo.getOrDefault("paymentType", "Web3CardanoV1"));
        json.writeEndObject();
        json.writeNullField("SellerWallet");
        json.writeNullField("SmartContractWallet");
        writeNullable(json, "metadata", echo.get("metadata"));
        json.writeArrayFieldStart("WithdrawnForSeller");
        if (status == PurchaseStatus.COMPLETED || status == PurchaseStatus.PARTIALLY_REFUNDED || status == PurchaseStatus.REFUNDED)
        {
            writeFunds(json, purchase.amountMinor(), masumi.unit());
        }
        json.writeEndArray();
        json.writeArrayFieldStart("WithdrawnForBuyer");
        if (status == PurchaseStatus.CANCELLED)
        {
            writeFunds(json, purchase.amountMinor(), masumi.unit());
        }
        else if (purchase.refundedMinor() > 0)
        {
            writeFunds(json, purchase.refundedMinor(), masumi.unit());
        }
        json.writeEndArray();
        if (as == View.LISTED)
        {
            json.writeNullField("collateralReturnLovelace");
            json.writeNumberField("cooldownTime", 0);
            json.writeNumberField("cooldownTimeOtherParty", 0);
            json.writeArrayFieldStart("TransactionHistory");
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /** Masumi's {@code onChainState} of the ledger's hold state (see {@code docs/dialect-masumi.md}). */
    static String onChainState(final PurchaseStatus status, final boolean refundRequested)
    {
        return switch (status)
        {
            case HELD -> refundRequested ? "RefundRequested" : "FundsLocked";
            case CANCELLED -> "RefundWithdrawn";
            case COMPLETED, PARTIALLY_REFUNDED, REFUNDED -> "Withdrawn";
        };
    }

    private static void writeFunds(final JsonGenerator json, final long amountMinor, final String unit) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("amount", Long.toString(amountMinor));
        json.writeStringField("unit", unit);
        json.writeEndObject();
    }

    private static void writeNullable(final JsonGenerator json, final String name, final String value) throws IOException
    {
        if (value == null)
        {
            json.writeNullField(name);
        }
        else
        {
            json.writeStringField(name, value);
        }
    }

    /** @return the stored echo object (strings only: the adapter wrote it). */
    private static Map<String, String> parseEcho(final String echoJson)
    {
        final Map<String, String> echo = new HashMap<>();
        try (JsonParser parser = Json.FACTORY.createParser(echoJson))
        {
            if (parser.nextToken() != JsonToken.START_OBJECT)
            {
                return echo;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                parser.nextToken();
                echo.put(name, parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : null);
                parser.skipChildren();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return echo;
    }

}
