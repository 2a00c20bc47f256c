package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.PaymentMethodRecord;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Saved payment methods: a customer's list, save one, the merchant's list, read, delete and make one the default. Each answers
 * {@code PaymentMethodResponseDto} (a customer's list {@code CustomerPaymentMethodDto}), delete the reference's
 * {@code {id, deleted, deletedAt}}.
 */
final class PaymentMethodEndpoints
{
    private PaymentMethodEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new ListForCustomer())
            .add(new Save())
            .add(new ListPaymentMethods())
            .add(new Get())
            .add(new Delete())
            .add(new SetDefault());
    }

    /** {@code GET /api/canary/customers/{id}/payment-methods}: the customer's methods, oldest first. */
    private static final class ListForCustomer extends ListEndpoint
    {
        ListForCustomer()
        {
            super(Route.get("list_customer_payment_methods", "/api/canary/customers/{id}/payment-methods",
                CommandType.LIST_CUSTOMER_PAYMENT_METHODS).pathId(Field.CUSTOMER_KEY));
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
            throws IOException
        {
            writePaymentMethod(json, ids, (PaymentMethodRecord)event.rowObject(row), false);
        }
    }

    /**
     * {@code POST /api/canary/customers/{id}/payment-methods}: what is safe to keep of a card or mobile-money account. A
     * card number, if a client sends one, is skipped like any unknown field: it is never parsed, journaled or stored.
     */
    private static final class Save extends MethodReply
    {
        Save()
        {
            super(Route.post("create_payment_method", "/api/canary/customers/{id}/payment-methods", CommandType.SAVE_PAYMENT_METHOD)
                .pathId(Field.CUSTOMER_KEY));
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            for (final BodyReader body = request.body(); body.next(); )
            {
                switch (body.name())
                {
                    case "type" ->
                    {
                        final String type = body.string(1, Rules.METHOD_TYPE_CHARS_MAX);
                        if (type != null && !Rules.METHOD_TYPES.contains(type))
                        {
                            request.problem().add(Rules.METHOD_TYPE);
                        }
                        draft.text(Field.METHOD_TYPE, type);
                    }
                    case "last4" ->
                    {
                        final String last4 = body.string(4, 4);
                        if (last4 != null && !last4.chars().allMatch(c -> c >= '0' && c <= '9'))
                        {
                            request.problem().add("last4 must be exactly 4 digits");
                        }
                        draft.text(Field.METHOD_LAST4, last4);
                    }
                    case "isDefault" ->
                    {
                        final Boolean isDefault = body.bool();
                        if (isDefault != null)
                        {
                            draft.set(Field.IS_DEFAULT, isDefault);
                        }
                    }
                    default -> body.field(draft);
                }
            }
            request.required(Field.METHOD_TYPE, "type");
            request.required(Field.METHOD_PROVIDER, "provider");
            if (draft.textEquals(Field.METHOD_TYPE, "card"))
            {
                request.required(Field.METHOD_LAST4, "last4");
            }
            if (draft.textEquals(Field.METHOD_TYPE, "mobile_money"))
            {
                request.required(Field.PHONE, "phoneNumber");
            }
        }

    }

    /** {@code GET /api/canary/payment-methods[?customerId=]}: the merchant's methods, or one customer's. */
    private static final class ListPaymentMethods extends ListEndpoint
    {
        ListPaymentMethods()
        {
            super(Route.get("list_payment_methods", "/api/canary/payment-methods", CommandType.LIST_PAYMENT_METHODS));
        }

        @Override
        protected void parseFilters(final Request request)
        {
            QueryParser.customerFilter(request.params(), request.draft(), request.ids());
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
            throws IOException
        {
            writePaymentMethod(json, ids, (PaymentMethodRecord)event.rowObject(row), true);
        }
    }

    /** {@code GET /api/canary/payment-methods/{id}}. */
    private static final class Get extends MethodReply
    {
        Get()
        {
            super(Route.get("get_payment_method", "/api/canary/payment-methods/{id}", CommandType.GET_PAYMENT_METHOD)
                .pathId(Field.PAYMENT_METHOD_KEY));
        }
    }

    /** {@code DELETE /api/canary/payment-methods/{id}}: the reference's example, {@code {id, deleted: true, deletedAt}}. */
    private static final class Delete extends Endpoint
    {
        Delete()
        {
            super(Route.delete("delete_payment_method", "/api/canary/payment-methods/{id}", CommandType.DELETE_PAYMENT_METHOD)
                .pathId(Field.PAYMENT_METHOD_KEY));
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            json.writeStartObject();
            json.writeStringField("id", ids.format(IdKind.PAYMENT_METHOD, event.resultKey()));
            json.writeBooleanField("deleted", true);
            json.writeStringField("deletedAt", Json.timestamp(event.resultTimestampMs()));
            json.writeEndObject();
        }
    }

    /**
     * {@code POST /api/canary/payment-methods/{id}/default}, with no body or {@code {}}: the method becomes its customer's
     * default, and the previous default is no longer; answers the method as a read does (200).
     */
    private static final class SetDefault extends MethodReply
    {
        SetDefault()
        {
            super(Route.post("set_default_payment_method", "/api/canary/payment-methods/{id}/default",
                CommandType.SET_DEFAULT_PAYMENT_METHOD).pathId(Field.PAYMENT_METHOD_KEY).answering(HttpResponseStatus.OK)
                .body(Route.Body.OPTIONAL));
        }

        @Override
        public void parse(final Request request)
        {
            request.readOptionalBody();
        }
    }

    /** A route that answers the payment method its command saved, changed or read: {@code PaymentMethodResponseDto}. */
    private abstract static class MethodReply extends Endpoint
    {
        MethodReply(final Route route)
        {
            super(route);
        }

        @Override
        public final void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            writePaymentMethod(json, ids, (PaymentMethodRecord)event.resultObject(), true);
        }
    }

    /**
     * {@code PaymentMethodResponseDto}, or with {@code full == false} {@code CustomerPaymentMethodDto}, which has no
     * {@code provider} or {@code phoneNumber}.
     */
    private static void writePaymentMethod(final JsonGenerator json, final Ids ids, final PaymentMethodRecord method, final boolean full)
        throws IOException
    {
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.PAYMENT_METHOD, method.key()));
        json.writeStringField("createdAt", Json.timestamp(method.createdAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(method.updatedAtMs()));
        json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, method.customerKey()));
        json.writeStringField("type", method.type());
        if (full)
        {
            json.writeStringField("provider", method.provider());
        }
        if (method.brand() != null)
        {
            json.writeStringField("brand", method.brand());
        }
        if (method.last4() != null)
        {
            json.writeStringField("last4", method.last4());
        }
        if (method.expiryMonth() > 0)
        {
            json.writeNumberField("expiryMonth", method.expiryMonth());
        }
        if (method.expiryYear() > 0)
        {
            json.writeNumberField("expiryYear", method.expiryYear());
        }
        if (full && method.phoneNumber() != null)
        {
            json.writeStringField("phoneNumber", method.phoneNumber());
        }
        json.writeBooleanField("isDefault", method.isDefault());
        json.writeEndObject();
    }
}
