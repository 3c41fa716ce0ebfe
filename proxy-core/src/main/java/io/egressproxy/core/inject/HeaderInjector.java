package io.egressproxy.core.inject;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Puts the credentials of the matching rules into a request's headers: every copy the client sent
 * of a rule's header (any case, any number) is removed first, then the rule's value is set once.
 * Works on any header map through two callbacks so it stays free of Netty. Stateless.
 */
public final class HeaderInjector {
    private HeaderInjector() {
    }

    /**
     * @param remove removes every header of the given name (case-insensitively)
     * @param set    adds one header
     */
    public static void apply(List<CredentialRule> rules, Consumer<String> remove, BiConsumer<String, String> set) {
        for (CredentialRule rule : rules) {
            for (String name : rule.headers().keySet()) {
                remove.accept(name);
            }
        }
        for (CredentialRule rule : rules) {
            for (Map.Entry<String, String> header : rule.headers().entrySet()) {
                set.accept(header.getKey(), rule.fill(header.getValue()));
            }
        }
    }
}
