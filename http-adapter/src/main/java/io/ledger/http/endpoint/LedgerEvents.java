package io.ledger.http.endpoint;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;

/**
 * A committed command as a ledger event (issue 19, the change stream): its type's name, and its data, the resource in
 * the JSON shape the API answers the command with (the route's own {@link Endpoint#writeReply}, so an event and the
 * reply to its request are the same bytes). Only a command the ledger accepted is an event: a refusal is not, and
 * neither is a retry answered from its idempotency key's stored outcome (the first attempt was the event).
 *
 * <p>Not yet events: what the ledger does by itself at a deadline (an escrow hold released at its {@code releaseAt}, a
 * gift balance's remainder at its {@code expiresAt}); they happen inside the next command or tick, which carries no
 * resource of theirs.
 *
 * <p>Thread-safety: immutable after class initialisation; {@link #write} uses only its arguments.
 */
public final class LedgerEvents
{
    private static final Map<CommandType, String> NAMES = new EnumMap<>(CommandType.class);
    private static final Map<CommandType, Endpoint> ENDPOINTS = new EnumMap<>(CommandType.class);

    static
    {
        NAMES.put(CommandType.CREATE_CUSTOMER, "customer.created");
        NAMES.put(CommandType.UPDATE_CUSTOMER, "customer.updated");
        NAMES.put(CommandType.PAY_IN, "pay_in.created");
        NAMES.put(CommandType.PURCHASE, "purchase.created");
        NAMES.put(CommandType.TRANSFER, "transfer.created");
        NAMES.put(CommandType.PAYOUT, "payout.created");
        NAMES.put(CommandType.SAVE_PAYMENT_METHOD, "payment_method.saved");
        NAMES.put(CommandType.DELETE_PAYMENT_METHOD, "payment_method.deleted");
        NAMES.put(CommandType.SET_DEFAULT_PAYMENT_METHOD, "payment_method.default_set");
        NAMES.put(CommandType.REFUND_PURCHASE, "refund.created");
        NAMES.put(CommandType.RELEASE_PURCHASE, "purchase.released");
        NAMES.put(CommandType.CANCEL_PURCHASE, "purchase.cancelled");
        NAMES.put(CommandType.CREATE_GIFT_BALANCE, "gift_balance.created");
        for (final Route route : Endpoints.routes())
        {
            final CommandType type = route.command();
            if (type != null && NAMES.containsKey(type))
            {
                if (ENDPOINTS.put(type, Endpoints.of(route)) != null)
                {
                    throw new ExceptionInInitializerError("type=" + type + " has two routes: its event's shape is ambiguous");
                }
            }
        }
        for (final CommandType type : NAMES.keySet())
        {
            if (!ENDPOINTS.containsKey(type))
            {
                throw new ExceptionInInitializerError("type=" + type + " has an event name but no route to render it");
            }
        }
    }

    private LedgerEvents()
    {
    }

    /** @return the event name of a command of {@code type}, or null when such a command is never an event. */
    public static String name(final CommandType type)
    {
        return NAMES.get(type);
    }

    /** @return every event name, in declaration order of the command types. */
    public static Iterable<String> names()
    {
        return NAMES.values();
    }

    /**
     * @param event a journaled command just applied (its result fields written).
     * @return its event name when it is an event (accepted, applied now, of a type that has one), else null.
     */
    public static String nameIfEvent(final CommandEvent event)
    {
        return event.result() == ResultCode.OK && !event.replayed() ? NAMES.get(event.type()) : null;
    }

    /** The text field naming the merchant an event belongs to (only its streams carry it). */
    public static final Field MERCHANT_FIELD = Field.MERCHANT_ID;

    /** @return the merchant the event belongs to (only its streams carry it). */
    public static String merchantOf(final CommandEvent event)
    {
        return event.textString(MERCHANT_FIELD);
    }

    /** Writes the event's data: the resource as the API answered the command ({@link #nameIfEvent} must be non-null). */
    public static void write(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
    {
        ENDPOINTS.get(event.type()).writeReply(json, event, ids);
    }

    /**
     * Writes the event's data as {@link #write} writes it with a UTF-8 generator, byte for byte, into {@code out}
     * ({@link BodyBytes}): where its route has a byte form and every value is plain ASCII.
     *
     * @return its length in {@code out.bytes()}; -1 when it has no byte form: {@link #write} then writes it.
     */
    public static int writeBytes(final CommandEvent event, final Ids ids, final BodyBytes out)
    {
        return out.render(ENDPOINTS.get(event.type()), event, ids);
    }
}
