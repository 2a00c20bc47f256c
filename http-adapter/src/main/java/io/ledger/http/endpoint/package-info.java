/**
 * The API's routes, one {@link io.ledger.http.endpoint.Endpoint} object each: its {@link io.ledger.http.endpoint.Route}
 * (method, template, the command it becomes), how its body and query become the command's typed fields, and how the
 * command's outcome becomes its reply body. {@link io.ledger.http.endpoint.Endpoints} is the table, built once;
 * {@link io.ledger.http.endpoint.Router} matches a path against it without allocating. The families
 * ({@code CustomerEndpoints}, {@code PaymentMethodEndpoints}, ...) hold one small class per route.
 *
 * <pre>
 *   LedgerRequestHandler --Router.find--> Route --Endpoints.of--> Endpoint.parse(Request) --> CommandDraft --> ring
 *   ReplyPublisher --Responses.reply--> Endpoint.writeReply (OK) or the error shape (Responses.statusOf/messageOf)
 * </pre>
 *
 * What every request shares stays in {@code io.ledger.http}; adding a route is a class in its family's file and one
 * {@code add} in the family's {@code register} (docs/architecture.md, "Adding an endpoint").
 */
package io.ledger.http.endpoint;
