package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ledger.http.HttpOptions;
import io.ledger.http.auth.Tokens;
import io.ledger.server.LedgerServer;
import io.ledger.server.SnapshotOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's chromium, headless, driven through Debian's chromedriver by Selenium (no
 * driver or browser is downloaded: both paths are given, so Selenium Manager is never asked). The test starts the
 * server, opens {@code /console}, sees a merchant token refused, signs in with an operator token, makes a purchase
 * over the API and waits until the page shows throughput above zero and the merchants' money grown by the purchase,
 * looks a customer up, and saves a screenshot as {@code target/console.png} (the README's picture,
 * {@code docs/console.png}, is a copy of it).
 *
 * <p>Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} it is skipped with a message, unless the
 * environment variable {@code CI} is set: then it fails ({@code .ci/run} installs both).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleBrowserTest
{
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final byte[] SECRET = "console-browser-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final String MERCHANT = "demo_merchant";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    @TempDir
    Path dataDir;

    @TempDir
    Path browserProfile;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldShowAPurchaseOnTheConsoleToAnOperatorAndRefuseAMerchant() throws Exception
    {
        assumeBrowser();
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        try (LedgerServer server = LedgerServer.start(
            new LedgerServer.Config(0, dataDir, SECRET, "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR", HttpOptions.DEFAULTS,
                new SnapshotOptions(0, 1, 3, "off")),
            (stage, commandId, error) -> fatal.compareAndSet(null, error)))
        {
            final String base = "http://127.0.0.1:" + server.port();
            final String merchantToken = Tokens.issue(SECRET, MERCHANT, System.currentTimeMillis(), 3_600_000);
            final String operatorToken = Tokens.issueOperator(SECRET, "operator", System.currentTimeMillis(), 3_600_000);
            final String thandi = createCustomer(base, merchantToken, "Thandi Mokoena", "+27821234567");
            final String sipho = createCustomer(base, merchantToken, "Sipho Dlamini", "+27831112222");
            assertEquals(201, post(base, merchantToken, "/api/canary/customers/" + thandi + "/pay-ins",
                "{\"amount\":250000,\"currency\":\"ZAR\",\"description\":\"cash deposit at till 3\"}").statusCode());
            assertEquals(201, post(base, merchantToken, "/api/canary/customers/" + sipho + "/pay-ins",
                "{\"amount\":40000,\"currency\":\"USD\"}").statusCode());
            assertEquals(402, post(base, merchantToken, "/api/canary/purchases",
                "{\"customerId\":\"" + sipho + "\",\"productId\":\"airtime-50\",\"amount\":90000,\"currency\":\"USD\"}").statusCode());

            final WebDriver driver = startBrowser();
            try
            {
                final WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(200));
                driver.get(base + "/console");
                assertEquals("ledger console", driver.getTitle());

                signIn(driver, merchantToken);
                wait.until(d -> d.findElement(By.id("error")).isDisplayed()
                    && d.findElement(By.id("error")).getText().contains("The console needs an operator token"));
                assertTrue(driver.findElement(By.id("signin")).isDisplayed(), "refused: asked for a token again");
                assertEquals(null, ((JavascriptExecutor)driver).executeScript("return sessionStorage.getItem('ledger.operatorToken')"),
                    "a refused token is not kept");

                signIn(driver, operatorToken);
                wait.until(d -> "healthy".equals(d.findElement(By.id("health")).getText()));
                wait.until(d -> !d.findElements(By.cssSelector("#money tr[data-currency=ZAR]")).isEmpty());
                final long merchantsBefore = merchantsZar(driver);
                assertEquals("conserved", driver.findElement(By.id("conservation")).getText());

                final long amount = 5_000;
                assertEquals(201, post(base, merchantToken, "/api/canary/purchases",
                    "{\"customerId\":\"" + thandi + "\",\"productId\":\"airtime-50\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}")
                    .statusCode());
                wait.until(d -> Double.parseDouble(d.findElement(By.id("throughput")).getDomAttribute("data-value")) > 0
                    && merchantsZar(d) == merchantsBefore + amount);

                trafficForTheChart(base, merchantToken, thandi, sipho);
                lookUp(driver, wait, thandi);
                wait.until(d -> d.findElement(By.cssSelector("#refusals tbody tr")) != null);
                saveScreenshot(driver);
            }
            finally
            {
                driver.quit();
            }
        }
        if (fatal.get() != null)
        {
            throw new AssertionError("pipeline reported a fatal error", fatal.get());
        }
    }

    private static void assumeBrowser()
    {
        final boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        final String message = CHROMIUM + " and " + CHROMEDRIVER + " are needed (apt-get install chromium chromium-driver; "
            + ".ci/run installs them)";
        if (!present && System.getenv("CI") != null)
        {
            throw new AssertionError(message + ", and CI is set: not skipping");
        }
        Assumptions.assumeTrue(present, message);
    }

    private WebDriver startBrowser()
    {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString()); // Selenium Manager is not consulted
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--user-data-dir=" + browserProfile, "--window-size=1280,1900", "--force-device-scale-factor=1", "--lang=en-US");
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .withSilent(true)
            .build();
        return new ChromeDriver(service, options);
    }

    private static void signIn(final WebDriver driver, final String token)
    {
        final WebElement input = driver.findElement(By.id("token"));
        input.clear();
        input.sendKeys(token);
        driver.findElement(By.cssSelector("#signin button[type=submit]")).click();
    }

    private static long merchantsZar(final WebDriver driver)
    {
        final WebElement row = driver.findElement(By.cssSelector("#money tr[data-currency=ZAR]"));
        return Long.parseLong(row.findElements(By.tagName("td")).get(2).getDomAttribute("data-value"));
    }

    private static void lookUp(final WebDriver driver, final WebDriverWait wait, final String customer)
    {
        driver.findElement(By.id("lookup-merchant")).sendKeys(MERCHANT);
        driver.findElement(By.id("lookup-customer")).sendKeys(customer);
        driver.findElement(By.cssSelector("#lookup button[type=submit]")).click();
        wait.until(d -> d.findElement(By.id("customer")).isDisplayed()
            && d.findElement(By.id("customer-balance")).getText().endsWith("ZAR (minor units)")
            && !d.findElements(By.cssSelector("#history tbody tr")).isEmpty());
        assertEquals("Thandi Mokoena", driver.findElement(By.id("customer-name")).getText());
    }

    /** A few seconds of purchases and pay-ins, so that the chart in the picture has a shape. Bounded: 60 requests. */
    private void trafficForTheChart(final String base, final String token, final String thandi, final String sipho)
        throws IOException, InterruptedException
    {
        for (int i = 0; i < 60; i++)
        {
            final String customer = i % 2 == 0 ? thandi : sipho;
            final String currency = i % 2 == 0 ? "ZAR" : "USD";
            post(base, token, "/api/canary/purchases", "{\"customerId\":\"" + customer + "\",\"productId\":\"data-1gb\",\"amount\":"
                + (100 + i * 7) + ",\"currency\":\"" + currency + "\"}");
            Thread.sleep(50 + (i % 10) * 10);
        }
    }

    private static void saveScreenshot(final WebDriver driver) throws IOException
    {
        final Path png = ((TakesScreenshot)driver).getScreenshotAs(OutputType.FILE).toPath();
        final Path target = Path.of("target", "console.png");
        Files.createDirectories(target.getParent());
        Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(target) > 10_000, "a real picture: " + Files.size(target) + " bytes");
    }

    private String createCustomer(final String base, final String token, final String name, final String phone)
        throws IOException, InterruptedException
    {
        final HttpResponse<String> response = post(base, token, "/api/canary/customers",
            "{\"phoneNumber\":\"" + phone + "\",\"name\":\"" + name + "\",\"metadata\":{}}");
        assertEquals(201, response.statusCode(), response.body());
        final Matcher id = ID.matcher(response.body());
        assertTrue(id.find(), response.body());
        return id.group(1);
    }

    private HttpResponse<String> post(final String base, final String token, final String path, final String json)
        throws IOException, InterruptedException
    {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
