package io.ledger.engine;

/**
 * A customer as the ledger holds it. Immutable: an update replaces the record, so a reference handed to the
 * reply thread stays valid and consistent while the ledger moves on.
 *
 * @param key          the customer key (the id of the command that created it).
 * @param merchantId   the owning merchant.
 * @param metadataJson a compact JSON object.
 * @param email        {@code null} when absent; likewise {@code name}.
 */
public record CustomerRecord(
    long key,
    String merchantId,
    String phoneNumber,
    String email,
    String name,
    String metadataJson,
    long createdAtMs,
    long updatedAtMs)
{
}
