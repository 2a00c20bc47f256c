package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.CustomerRecord;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;

/** Customers: create, list (filtered by email or a search), read and update; each answers {@code CustomerResponseDto}. */
final class CustomerEndpoints
{
    private CustomerEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Create())
            .add(new ListCustomers())
            .add(new Get())
            .add(new Update());
    }

    /** {@code POST /api/canary/customers} with {@code CreateCustomerDto}. */
    private static final class Create extends CustomerReply
    {
        Create()
        {
            super(Route.post("create_customer", "/api/canary/customers", CommandType.CREATE_CUSTOMER));
        }

        @Override
        public void parse(final Request request)
        {
            request.readBody();
            request.required(Field.PHONE, "phoneNumber");
            request.required(Field.METADATA_JSON, "metadata");
        }
    }

    /** {@code GET /api/canary/customers}: oldest first; {@code email} (exact, ignoring case) and {@code search}. */
    private static final class ListCustomers extends ListEndpoint
    {
        ListCustomers()
        {
            super(Route.get("list_customers", "/api/canary/customers", CommandType.LIST_CUSTOMERS));
        }

        @Override
        protected void parseFilters(final Request request)
        {
            QueryParser.customerFilters(request.params(), request.draft(), request.problem());
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
            throws IOException
        {
            writeCustomer(json, ids, (CustomerRecord)event.rowObject(row));
        }
    }

    /** {@code GET /api/canary/customers/{id}}. */
    private static final class Get extends CustomerReply
    {
        Get()
        {
            super(Route.get("get_customer", "/api/canary/customers/{id}", CommandType.GET_CUSTOMER).pathId(Field.CUSTOMER_KEY));
        }
    }

    /** {@code PATCH /api/canary/customers/{id}} with {@code UpdateCustomerDto}: email and name when given, metadata replaced. */
    private static final class Update extends CustomerReply
    {
        Update()
        {
            super(Route.patch("update_customer", "/api/canary/customers/{id}", CommandType.UPDATE_CUSTOMER).pathId(Field.CUSTOMER_KEY));
        }

        @Override
        public void parse(final Request request)
        {
            request.readBody();
            request.required(Field.METADATA_JSON, "metadata");
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return result == ResultCode.DUPLICATE_EMAIL ? "Email already in use by another customer" : null;
        }
    }

    /** A route that answers the customer its command made, changed or read. */
    private abstract static class CustomerReply extends Endpoint
    {
        CustomerReply(final Route route)
        {
            super(route);
        }

        @Override
        public final void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            writeCustomer(json, ids, event.customer());
        }
    }

    /** {@code CustomerResponseDto}. */
    static void writeCustomer(final JsonGenerator json, final Ids ids, final CustomerRecord customer) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.CUSTOMER, customer.key()));
        json.writeStringField("createdAt", Json.timestamp(customer.createdAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(customer.updatedAtMs()));
        json.writeStringField("merchantId", customer.merchantId());
        json.writeStringField("phoneNumber", customer.phoneNumber());
        if (customer.email() != null)
        {
            json.writeStringField("email", customer.email());
        }
        if (customer.name() != null)
        {
            json.writeStringField("name", customer.name());
        }
        json.writeFieldName("metadata");
        json.writeRawValue(customer.metadataJson());
        json.writeEndObject();
    }
}
