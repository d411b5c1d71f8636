package io.gorgon.roles.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Debian Chromium driven by chromedriver, for page tests. Without the browser the test is skipped loudly,
 * except on CI (CI=true) where it fails: CI must run browser tests. $GORGON_CHROMEDRIVER / $GORGON_CHROMIUM override
 * the binaries.
 */
public final class Browser implements AutoCloseable {
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts Chromium, or skips (fails on CI) the calling test when it is not installed. */
    public static Browser startOrSkip(String testName) throws IOException {
        Path chromedriver = find("GORGON_CHROMEDRIVER", "chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Path chromium = find("GORGON_CHROMIUM", "chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        if (chromedriver == null || chromium == null) {
            String msg = "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                    + "!!! " + testName + " NOT RUN: chromium and/or chromedriver missing\n"
                    + "!!! (chromedriver=" + chromedriver + ", chromium=" + chromium + ").\n"
                    + "!!! Install them: apt-get install -y chromium chromium-driver\n"
                    + "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n";
            System.err.println(msg);
            if ("true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail("CI must run the browser test:" + msg);
            Assumptions.abort("chromium/chromedriver not installed");
        }
        Path profile = Files.createTempDirectory("gorgon-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1600,1300", "--hide-scrollbars");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** A number computed by the page's script, or -1. */
    public long num(String script) {
        Object v = ((JavascriptExecutor) driver).executeScript(script);
        return v instanceof Number n ? n.longValue() : -1;
    }

    public Object script(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    /** Saves a screenshot under target/ and returns its path. */
    public Path screenshot(String name) throws IOException {
        Path out = Path.of("target", name);
        Files.createDirectories(out.getParent());
        Files.write(out, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        System.out.println("screenshot: " + out.toAbsolutePath());
        return out;
    }

    /** Browser console entries at SEVERE or worse. */
    public List<LogEntry> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()).toList();
    }

    @Override
    public void close() {
        driver.quit();
        try (Stream<Path> paths = Files.walk(profile)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    /** $env when set (even to a missing file: then it is missing), else the Debian paths, else PATH. */
    private static Path find(String env, String name, String... candidates) {
        String override = System.getenv(env);
        if (override != null && !override.isBlank()) return Files.isExecutable(Path.of(override)) ? Path.of(override) : null;
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) return Path.of(c);
        }
        for (String dir : Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name);
        }
        return null;
    }
}
