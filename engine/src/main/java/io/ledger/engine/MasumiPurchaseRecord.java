package io.ledger.engine;

/**
 * The Masumi side of an escrowed purchase (issue 15): what the dialect keys it by, what it only echoes, and whether the
 * buyer asked for its refund. The money side is the {@link PurchaseRecord} with the same key. Immutable: the ledger
 * replaces it when the refund request changes.
 *
 * @param purchaseKey          the purchase's key (its {@link PurchaseRecord#key()}).
 * @param apiKeyKey            the Masumi API key that made it (Masumi's {@code requestedById}).
 * @param merchantId           the seller.
 * @param network              {@code Preprod} or {@code Mainnet}.
 * @param blockchainIdentifier unique per merchant and network.
 * @param agentIdentifier      the agent bought.
 * @param unit                 the {@code Amounts} unit ({@code ""}: the merchant's currency).
 * @param echoJson             what is only stored and echoed (see {@link Field#MASUMI_ECHO_JSON}), compact JSON.
 * @param refundRequested      whether the purchase returns to the buyer (not to the seller) at its release time.
 * @param createdAtMs          ledger time of the purchase.
 * @param updatedAtMs          ledger time of the last change of the refund request.
 */
public record MasumiPurchaseRecord(
    long purchaseKey,
    long apiKeyKey,
    String merchantId,
    String network,
    String blockchainIdentifier,
    String agentIdentifier,
    String unit,
    String echoJson,
    boolean refundRequested,
    long createdAtMs,
    long updatedAtMs)
{
    /** @return this purchase with its refund request set or cleared at {@code timeMs}. */
    public MasumiPurchaseRecord withRefundRequested(final boolean requested, final long timeMs)
    {
        return new MasumiPurchaseRecord(purchaseKey, apiKeyKey, merchantId, network, blockchainIdentifier, agentIdentifier, unit, echoJson,
            requested, createdAtMs, timeMs);
    }

    /**
     * A Masumi purchase as its replies show it: both sides, as they were when the command was applied.
     *
     * @param masumi   the Masumi side.
     * @param purchase the money side (status, amount, currency).
     */
    public record View(MasumiPurchaseRecord masumi, PurchaseRecord purchase)
    {
    }

    /**
     * A merchant's fixed price for an agent.
     *
     * @param merchantId      the merchant.
     * @param agentIdentifier the agent.
     * @param amountMinor     the price, in minor units.
     * @param currency        packed ({@link Currencies}).
     * @param updatedAtMs     ledger time of the registration.
     */
    public record Agent(String merchantId, String agentIdentifier, long amountMinor, int currency, long updatedAtMs)
    {
    }
}
