/**
 * Bearer-token authentication for the wallet API: HS256 JWTs whose {@code sub} is the merchant id.
 *
 * <ul>
 *   <li>{@link io.ledger.http.auth.JwtAuthenticator} verifies an {@code Authorization} header (Netty event
 *       loops; thread-safe).</li>
 *   <li>{@link io.ledger.http.auth.Tokens} issues tokens (the {@code ledger token} command, tests).</li>
 *   <li>{@link io.ledger.http.auth.Secrets} loads or creates the HS256 key kept in the data directory.</li>
 * </ul>
 */
package io.ledger.http.auth;
