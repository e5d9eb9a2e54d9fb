package io.loglane.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's headless Chromium driven through its own chromedriver (Debian {@code chromium} and
 * {@code chromium-driver}; {@code CHROMIUM_BIN} and {@code CHROMEDRIVER} point elsewhere), so the
 * browser tests need nothing downloaded at run time. Where either is missing, {@link #missing()}
 * says so, and the tests skip themselves with that reason (never fail).
 *
 * <p>Alerts are left open ({@link UnexpectedAlertBehaviour#IGNORE}) so a test can see that none
 * appeared. Screenshots go to {@code target/browser/NAME.png}.
 *
 * <p>Thread-safety: not thread-safe; one test thread drives it.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "browser");
    private static final List<Path> BROWSERS = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
    private static final List<Path> DRIVERS = List.of(Path.of("/usr/bin/chromedriver"), Path.of("/usr/lib/chromium/chromedriver"));

    final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /**
     * Why no browser test can run here (no Chromium or no chromedriver found, and where it looked),
     * or null when both are installed. A test class checks it with a JUnit assumption in each test,
     * so every test is reported as skipped with this reason.
     */
    static String missing() {
        Path browser = find("CHROMIUM_BIN", BROWSERS);
        Path driverExe = find("CHROMEDRIVER", DRIVERS);
        if (browser != null && driverExe != null) {
            return null;
        }
        String why = "browser tests skipped: "
                + (browser == null ? "no Chromium (looked at $CHROMIUM_BIN, " + BROWSERS + ")" : "")
                + (browser == null && driverExe == null ? " and " : "")
                + (driverExe == null ? "no chromedriver (looked at $CHROMEDRIVER, " + DRIVERS + ")" : "")
                + "; install Debian's chromium and chromium-driver (.ci/run does)";
        System.out.println(why);
        return why;
    }

    /** Starts a browser with a laptop-sized window; only when {@link #missing()} is null. */
    static HeadlessChromium open() {
        Path browser = find("CHROMIUM_BIN", BROWSERS);
        Path driverExe = find("CHROMEDRIVER", DRIVERS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        // root in a container has no user namespace for Chromium's sandbox; the pages are our own
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,850", "--lang=en-US");
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverExe.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new HeadlessChromium(driver);
    }

    private static Path find(String env, List<Path> candidates) {
        String configured = System.getenv(env);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? p : null;
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    /**
     * Waits at most 20 s for {@code condition} to give a non-null, non-false value, and returns it;
     * an element the page replaced meanwhile (the lanes page redraws as it refreshes) is looked up again.
     */
    <T> T await(Function<WebDriver, T> condition) {
        return await(Duration.ofSeconds(20), condition);
    }

    /** {@link #await(Function)} with its own bound. */
    <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout).ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** Lets the page see {@code prefers-color-scheme: dark} (or light again). */
    void colorScheme(String scheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** Saves what the page shows now as {@code target/browser/NAME.png}. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
