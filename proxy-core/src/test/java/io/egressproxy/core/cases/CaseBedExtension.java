package io.egressproxy.core.cases;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.Consumer;

/**
 * The lifecycle every case test shares: one {@link CaseBed} per test class (handed to the class
 * through {@code onStart}), reset before each test, and after each test a check that the proxy
 * still answers a control request, whatever the hostile input did.
 */
final class CaseBedExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final Consumer<CaseBed> onStart;
    private CaseBed bed;

    CaseBedExtension(Consumer<CaseBed> onStart) {
        this.onStart = onStart;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        bed = CaseBed.start();
        onStart.accept(bed);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        bed.reset();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        bed.assertServesControlRequest();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (bed != null) {
            bed.close();
        }
    }
}
