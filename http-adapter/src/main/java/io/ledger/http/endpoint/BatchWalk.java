package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * A batch read in one walk of its body with one parser: each command's {@code body} is read by its route's endpoint
 * with the batch's parser ({@link Request#beginWithin}), where {@link BatchEndpoints}' other walk first finds every
 * command's body bytes and then reads each with a parser of its own (a parser made, a UTF-8 scan and a duplicate-key
 * table per command: two fifths of a batch's parse in the profile).
 *
 * <p>This walk only takes a well-formed batch whose commands name their {@code type} (and a pay-in its
 * {@code customerId}) before their {@code body}, and in which no command has a problem; it gives up on anything else,
 * and the caller then walks the batch the other way from the start, which alone says what is wrong. So a refused batch
 * gets the same answer as before, and a batch this walk takes fills the same items: the same endpoint reads the same
 * tokens of each body, with the same limits (the batch's parser has the factory's constraints, and the body's depth in
 * the batch is deeper than in its own parse, so nothing passes here that the other walk refuses). A name an object
 * repeats, which the other walk refuses with jackson's duplicate detection, makes this walk give up too: it reads
 * through a {@link UniqueNamesParser}, a check of its own that allocates nothing per object.
 *
 * <p>Event loop only; stateless.
 */
final class BatchWalk
{
    private BatchWalk()
    {
    }

    /**
     * Fills {@code items} from {@code content}.
     *
     * @return true when every command was read with no problem (nothing added to the request's problem); false when
     *         this walk gave up ({@code items} is then partly filled: the caller clears it).
     */
    static boolean once(final Request request, final ByteBuf content, final BatchItems items, final Endpoint[] byType)
    {
        final int length = content.readableBytes();
        if (length >= 3 && content.getUnsignedMedium(content.readerIndex()) == 0xEFBBBF || Utf8.firstInvalidOrNul(content) >= 0)
        {
            return false;
        }
        final byte[] bytes;
        final int offset;
        if (content.hasArray())
        {
            bytes = content.array();
            offset = content.arrayOffset() + content.readerIndex();
        }
        else
        {
            bytes = ByteBufUtil.getBytes(content);
            offset = 0;
        }
        try (JsonParser parser = new UniqueNamesParser(request.factory().createParser(bytes, offset, length)))
        {
            if (!walk(request, parser, items, byType))
            {
                return false;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
        return items.count() > 0 && !items.linked(items.count() - 1) && chainsPlain(items);
    }

    /** Walks {@code {"commands":[...], ...}}: false at anything {@link BatchEndpoints}' other walk would refuse. */
    private static boolean walk(final Request request, final JsonParser parser, final BatchItems items, final Endpoint[] byType)
        throws IOException
    {
        if (parser.nextToken() != JsonToken.START_OBJECT)
        {
            return false;
        }
        boolean seen = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            final JsonToken value = parser.nextToken();
            if ("commands".equals(name))
            {
                if (seen || value != JsonToken.START_ARRAY)
                {
                    return false;
                }
                seen = true;
                JsonToken element;
                while ((element = parser.nextToken()) != JsonToken.END_ARRAY)
                {
                    if (items.count() == BatchItems.ITEMS_MAX || element != JsonToken.START_OBJECT
                        || !command(request, parser, items, byType))
                    {
                        return false;
                    }
                }
            }
            else if ("merchantId".equals(name) && value == JsonToken.VALUE_STRING && !parser.getText().equals(request.merchantId()))
            {
                return false;
            }
            else
            {
                parser.skipChildren();
            }
        }
        return seen && parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null;
    }

    /** Reads one command object (the parser on its start) into {@code items}; false where this walk gives up. */
    private static boolean command(final Request request, final JsonParser parser, final BatchItems items, final Endpoint[] byType)
        throws IOException
    {
        CommandType type = null;
        boolean linked = false;
        String customerId = null;
        Request item = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            final JsonToken value = parser.nextToken();
            switch (name)
            {
                case "type" ->
                {
                    type = value == JsonToken.VALUE_STRING
                        ? BatchEndpoints.typeOf(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength())
                        : null;
                    if (type == null || item != null)
                    {
                        return false;
                    }
                }
                case "linked" ->
                {
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE)
                    {
                        return false;
                    }
                    linked = value == JsonToken.VALUE_TRUE;
                }
                case "customerId" ->
                {
                    if (value != JsonToken.VALUE_STRING || item != null)
                    {
                        return false;
                    }
                    customerId = parser.getText();
                }
                case "body" ->
                {
                    if (type == null || value != JsonToken.START_OBJECT || item != null)
                    {
                        return false;
                    }
                    item = body(request, parser, byType[type.code()], customerId);
                    if (item == null)
                    {
                        return false;
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (item == null)
        {
            return false;
        }
        items.add(type, linked, item.draft());
        return true;
    }

    /** @return the request {@code endpoint} read the body the parser is on with, or null when it had a problem. */
    private static Request body(final Request request, final JsonParser parser, final Endpoint endpoint, final String customerId)
    {
        long pathKey = -1;
        if (endpoint.route().pathField() != null)
        {
            if (customerId == null)
            {
                return null;
            }
            pathKey = request.ids().parse(IdKind.CUSTOMER, customerId); // -1: the ledger says 404
        }
        final Request item = request.itemRequest();
        item.beginWithin(endpoint.route(), request.merchantId(), pathKey, parser);
        try
        {
            endpoint.parse(item);
        }
        finally
        {
            item.end();
        }
        return item.problem().any() || !item.bodyWalkedToEnd() ? null : item;
    }

    /** @return true when no command of a linked chain uses externalReference or useGiftBalance (the other walk's rule). */
    private static boolean chainsPlain(final BatchItems items)
    {
        for (int i = 0; i < items.count(); i++)
        {
            final boolean chained = items.linked(i) || i > 0 && items.linked(i - 1);
            if (chained && (items.item(i).has(Field.EXTERNAL_REFERENCE) || items.item(i).getBoolean(Field.USE_GIFT_BALANCE)))
            {
                return false;
            }
        }
        return true;
    }
}
