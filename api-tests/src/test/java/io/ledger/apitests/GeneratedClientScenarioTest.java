package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledger.client.ApiClient;
import io.ledger.client.ApiException;
import io.ledger.client.api.BalanceApi;
import io.ledger.client.api.CustomersApi;
import io.ledger.client.api.HealthApi;
import io.ledger.client.api.OpenApiApi;
import io.ledger.client.api.PayInsApi;
import io.ledger.client.api.PaymentMethodsApi;
import io.ledger.client.api.PayoutsApi;
import io.ledger.client.api.PurchasesApi;
import io.ledger.client.api.TransfersApi;
import io.ledger.client.model.BalanceHistoryResponseDto;
import io.ledger.client.model.BalanceTransactionDto;
import io.ledger.client.model.CreateCustomerDto;
import io.ledger.client.model.CreatePayInDto;
import io.ledger.client.model.CreatePaymentMethodDto;
import io.ledger.client.model.CreatePayoutDto;
import io.ledger.client.model.CreatePurchaseDto;
import io.ledger.client.model.CreateTransferDto;
import io.ledger.client.model.CustomerBalanceDto;
import io.ledger.client.model.CustomerPaymentMethodDto;
import io.ledger.client.model.CustomerResponseDto;
import io.ledger.client.model.CustomerTransactionDto;
import io.ledger.client.model.DeletePaymentMethodResponseDto;
import io.ledger.client.model.ListCustomersResponseDto;
import io.ledger.client.model.MerchantBalanceResponseDto;
import io.ledger.client.model.PayInResponseDto;
import io.ledger.client.model.PaymentMethodResponseDto;
import io.ledger.client.model.PayoutResponseDto;
import io.ledger.client.model.PurchaseResponseDto;
import io.ledger.client.model.TransferResponseDto;
import io.ledger.client.model.UpdateCustomerDto;
import org.junit.jupiter.api.Test;

/**
 * The Java client openapi-generator made from the served document at build time (library {@code native}, Jackson),
 * used as a payment frontend would use an SDK, against the real server. Its Jackson mapper is made strict
 * ({@code FAIL_ON_UNKNOWN_PROPERTIES}), as the Cashful SDKs' models are, so a response property the document does not
 * name fails the call.
 */
class GeneratedClientScenarioTest extends LedgerApiTest
{
    @Test
    void shouldCreateCustomersPayInAndPurchaseWithTheGeneratedClient() throws ApiException
    {
        final String merchant = merchant();
        final ApiClient client = client(merchant);
        final CustomersApi customers = new CustomersApi(client);

        assertEquals("ok", ((Map<?, ?>)new HealthApi(client).checkHealth()).get("status"));

        final CustomerResponseDto thandi = customers.createCustomer(new CreateCustomerDto()
            .phoneNumber("+27821234567").email("thandi@example.com").name("Thandi Mokoena").metadata(Map.of("source", "sdk")), null);
        assertEquals(merchant, thandi.getMerchantId());
        assertEquals("sdk", thandi.getMetadata().get("source"));
        assertEquals(thandi, customers.retrieveCustomer(thandi.getId()));

        final PayInResponseDto payIn = new PayInsApi(client).createPayIn(thandi.getId(),
            new CreatePayInDto().amount(10_000L).currency("ZAR").description("cash deposit"), null);
        assertEquals(10_000L, payIn.getBalanceAfter());
        assertEquals("completed", payIn.getStatus());

        final PurchaseResponseDto purchase = new PurchasesApi(client).createPurchase(new CreatePurchaseDto()
            .customerId(thandi.getId()).productId("airtime-50").amount(BigDecimal.valueOf(3_000)).currency("ZAR"), null);
        assertEquals(0, BigDecimal.valueOf(7_000).compareTo(purchase.getCustomerBalanceAfter()));

        final CustomerBalanceDto balance = customers.getCustomerBalance(thandi.getId());
        assertEquals(0, BigDecimal.valueOf(7_000).compareTo(balance.getAmount()));
        assertEquals("ZAR", balance.getCurrency());

        final ApiException insufficient = assertThrows(ApiException.class, () -> new PurchasesApi(client).createPurchase(new CreatePurchaseDto()
            .customerId(thandi.getId()).productId("tv").amount(BigDecimal.valueOf(7_001)).currency("ZAR"), null));
        assertEquals(402, insufficient.getCode());
        assertEquals(404, assertThrows(ApiException.class, () -> customers.retrieveCustomer(ABSENT_CUSTOMER)).getCode());
    }

    @Test
    void shouldRunTheWholeWalletScenarioWithTheGeneratedClient() throws ApiException
    {
        final String merchant = merchant();
        final ApiClient client = client(merchant);
        final CustomersApi customers = new CustomersApi(client);
        final PayInsApi payIns = new PayInsApi(client);
        final TransfersApi transfers = new TransfersApi(client);
        final BalanceApi balance = new BalanceApi(client);
        final PayoutsApi payouts = new PayoutsApi(client);
        final PaymentMethodsApi paymentMethods = new PaymentMethodsApi(client);

        // Customers, and a page through them.
        final CustomerResponseDto alice = customers.createCustomer(customer("+27820000001", "alice@example.com", "Alice"), "create-alice");
        final CustomerResponseDto bob = customers.createCustomer(customer("+27820000002", "bob@example.com", "Bob"), null);
        final CustomerResponseDto carol = customers.createCustomer(customer("+27820000003", null, "Carol"), null);
        assertEquals(alice, customers.createCustomer(customer("+27820000001", "alice@example.com", "Alice"), "create-alice"), "replayed");

        final ListCustomersResponseDto firstPage = customers.listCustomers(null, BigDecimal.valueOf(2), BigDecimal.ZERO, null, null);
        assertEquals(List.of(alice.getId(), bob.getId()), firstPage.getData().stream().map(CustomerResponseDto::getId).collect(Collectors.toList()));
        assertEquals(0, BigDecimal.valueOf(3).compareTo(firstPage.getPagination().getTotal()));
        assertTrue(firstPage.getPagination().getHasMore());
        final ListCustomersResponseDto secondPage = customers.listCustomers(merchant, BigDecimal.valueOf(2), BigDecimal.valueOf(2), null, null);
        assertEquals(List.of(carol.getId()), secondPage.getData().stream().map(CustomerResponseDto::getId).collect(Collectors.toList()));
        assertFalse(secondPage.getPagination().getHasMore());
        assertEquals(List.of(bob.getId()), customers.listCustomers(null, null, null, "BOB@example.com", null).getData().stream()
            .map(CustomerResponseDto::getId).collect(Collectors.toList()));
        assertEquals(List.of(carol.getId()), customers.listCustomers(null, null, null, null, "caro").getData().stream()
            .map(CustomerResponseDto::getId).collect(Collectors.toList()));
        final CustomerResponseDto renamed = customers.updateCustomer(carol.getId(), new UpdateCustomerDto().name("Carol K").metadata(Map.of("vip", true)));
        assertEquals("Carol K", renamed.getName());

        // Money in, a purchase, a transfer.
        payIns.createPayIn(alice.getId(), new CreatePayInDto().amount(20_000L).currency("ZAR"), null);
        new PurchasesApi(client).createPurchase(new CreatePurchaseDto()
            .customerId(alice.getId()).productId("data-1gb").amount(BigDecimal.valueOf(8_000)).currency("ZAR").quantity(BigDecimal.ONE), "buy-1");
        final TransferResponseDto transfer = transfers.createTransfer(new CreateTransferDto()
            .fromCustomerId(alice.getId()).toCustomerId(bob.getId()).amount(BigDecimal.valueOf(5_000)).currency("ZAR").description("rent share"), null);
        assertEquals("completed", transfer.getStatus());
        assertEquals(List.of(transfer.getId()), transfers.listTransfers(null, null, null).getData().stream()
            .map(TransferResponseDto::getId).collect(Collectors.toList()));
        assertEquals(0, BigDecimal.valueOf(7_000).compareTo(customers.getCustomerBalance(alice.getId()).getAmount()));
        assertEquals(0, BigDecimal.valueOf(5_000).compareTo(customers.getCustomerBalance(bob.getId()).getAmount()));

        final List<CustomerTransactionDto> history = customers.listCustomerTransactions(alice.getId(), null, null).getData();
        assertEquals(List.of("transfer_out", "purchase", "payin"), history.stream().map(CustomerTransactionDto::getType).collect(Collectors.toList()));
        assertEquals(0, BigDecimal.valueOf(-5_000).compareTo(history.get(0).getAmount()));
        assertEquals(transfer.getId(), history.get(0).getRelatedEntityId());

        // The merchant's earnings, their history, and a payout.
        final MerchantBalanceResponseDto earned = balance.getMerchantBalance(null);
        assertEquals(0, BigDecimal.valueOf(8_000).compareTo(earned.getAmount()));
        final PayoutResponseDto payout = payouts.createPayout(new CreatePayoutDto()
            .amount(BigDecimal.valueOf(6_000)).currency("ZAR").bankAccount("****5678").metadata(Map.of()), "payout-1");
        assertEquals("completed", payout.getStatus());
        assertEquals(0, BigDecimal.valueOf(2_000).compareTo(balance.getMerchantBalance(merchant).getAmount()));
        assertEquals(List.of(payout.getId()), payouts.listPayouts(null, null, null, "completed").getData().stream()
            .map(PayoutResponseDto::getId).collect(Collectors.toList()));
        final BalanceHistoryResponseDto ledger = balance.getBalanceHistory(null, null, null, null, null, null);
        assertEquals(List.of("payout", "purchase"), ledger.getData().stream().map(BalanceTransactionDto::getType).collect(Collectors.toList()));
        assertEquals(1, balance.getBalanceHistory(null, null, null, null, null, "debit").getData().size());
        assertEquals(402, assertThrows(ApiException.class, () -> payouts.createPayout(new CreatePayoutDto()
            .amount(BigDecimal.valueOf(2_001)).currency("ZAR").metadata(Map.of()), null)).getCode());

        // Payment methods: save, list, retrieve, delete.
        final PaymentMethodResponseDto card = paymentMethods.createPaymentMethod(bob.getId(), new CreatePaymentMethodDto()
            .type(CreatePaymentMethodDto.TypeEnum.CARD).provider("iveri").brand("visa").last4("4242").expiryMonth(12).expiryYear(2027), null);
        final PaymentMethodResponseDto wallet = paymentMethods.createPaymentMethod(bob.getId(), new CreatePaymentMethodDto()
            .type(CreatePaymentMethodDto.TypeEnum.MOBILE_MONEY).provider("mpesa").phoneNumber("+27820000002"), null);
        assertTrue(card.getIsDefault());
        assertFalse(wallet.getIsDefault());
        assertNull(wallet.getLast4());
        final List<CustomerPaymentMethodDto> bobs = customers.listCustomerPaymentMethods(bob.getId(), null, null).getData();
        assertEquals(2, bobs.size());
        assertEquals(2, paymentMethods.listPaymentMethods(null, null, null, bob.getId()).getData().size());
        assertEquals(card, paymentMethods.retrievePaymentMethod(card.getId()));
        final DeletePaymentMethodResponseDto deleted = paymentMethods.deletePaymentMethod(card.getId());
        assertEquals(card.getId(), deleted.getId());
        assertTrue(deleted.getDeleted());
        assertEquals(404, assertThrows(ApiException.class, () -> paymentMethods.retrievePaymentMethod(card.getId())).getCode());
        assertEquals(1, paymentMethods.listPaymentMethods(null, null, merchant, null).getData().size());
    }

    @Test
    void shouldFetchTheDocumentItWasGeneratedFrom() throws ApiException, IOException
    {
        final Map<String, Object> document = new OpenApiApi(client(merchant())).getOpenApiDocument();
        final ObjectMapper plain = new ObjectMapper();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(Contract.RESOURCE))
        {
            assertEquals(plain.readTree(in), plain.valueToTree(document));
        }
    }

    private static CreateCustomerDto customer(final String phoneNumber, final String email, final String name)
    {
        return new CreateCustomerDto().phoneNumber(phoneNumber).email(email).name(name).metadata(Map.of());
    }

    /** A client for {@code merchant}, strict about unknown response properties like the Cashful SDKs. */
    private static ApiClient client(final String merchant)
    {
        final ObjectMapper strict = ApiClient.createDefaultObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        final ApiClient client = new ApiClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1), strict, api.baseUri().toString());
        client.setReadTimeout(Duration.ofSeconds(20));
        final String token = LedgerHarness.token(merchant);
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        return client;
    }
}
