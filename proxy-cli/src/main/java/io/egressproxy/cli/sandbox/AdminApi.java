package io.egressproxy.cli.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.egressproxy.core.admin.AdminClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@link ProxyAdmin} over the admin API's HTTP endpoints. Thread-safe (as {@link AdminClient} is). */
public final class AdminApi implements ProxyAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final AdminClient client;

    public AdminApi(AdminClient client) {
        this.client = client;
    }

    @Override
    public void register(String sandbox, List<String> allow, List<String> block) throws IOException, InterruptedException {
        // The admin API rejects fields a call does not take (issue 7, found against a real proxy):
        // /v1/sandboxes takes "name", /v1/policy/* take "sandbox".
        // The proxy registers a sandbox only with a token or source addresses. Its clients are
        // recognised by the per-sandbox listener instead (opened later, the only thing they can
        // reach), so it gets a random token that is never stored or shown to anyone.
        client.post("v1/sandboxes", named(sandbox).put("token", randomToken()).put("ephemeral", true).toString());
        try {
            client.post("v1/policy/default", JSON.createObjectNode().put("sandbox", sandbox).put("policy", "deny")
                    .put("ephemeral", true).toString());
            if (!allow.isEmpty()) {
                client.post("v1/policy/allow", patterns(sandbox, allow).toString());
            }
            if (!block.isEmpty()) {
                client.post("v1/policy/block", patterns(sandbox, block).toString());
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The registration above is ours (the proxy refuses a name that is taken), so a list the
            // proxy refused (a bad pattern) must not leave it behind: the launcher records the undo
            // step only for a registration that succeeded as a whole.
            try {
                unregister(sandbox);
            } catch (IOException | InterruptedException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public void unregister(String sandbox) throws IOException, InterruptedException {
        // registered as ephemeral, so removed as ephemeral: the proxy's state file is not touched
        ignoreNotFound(() -> client.post("v1/sandboxes/remove", named(sandbox).put("ephemeral", true).toString()));
    }

    @Override
    public void forget(String sandbox) throws IOException, InterruptedException {
        // not ephemeral: the proxy then also drops what its state file keeps for the name
        ignoreNotFound(() -> client.post("v1/sandboxes/remove", named(sandbox).toString()));
    }

    @Override
    public String openListener(String sandbox, String listen) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("sandbox", sandbox).put("listen", listen);
        JsonNode answer = JSON.readTree(client.post("v1/listeners", request.toString()));
        if (!answer.hasNonNull("listen")) {
            throw new IOException("the admin API opened a listener for " + sandbox + " but did not say where: " + answer);
        }
        return answer.get("listen").asText();
    }

    @Override
    public void closeListener(String sandbox) throws IOException, InterruptedException {
        ignoreNotFound(() -> client.post("v1/listeners/remove", JSON.createObjectNode().put("sandbox", sandbox).toString()));
    }

    @Override
    public List<String> sandboxes() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        JSON.readTree(client.get("v1/sandboxes")).path("sandboxes").forEach(n -> names.add(n.asText()));
        return names;
    }

    @Override
    public List<Decision> decisions(String sandbox) throws IOException, InterruptedException {
        List<Decision> out = new ArrayList<>();
        String query = "v1/decisions?sandbox=" + java.net.URLEncoder.encode(sandbox, java.nio.charset.StandardCharsets.UTF_8);
        for (JsonNode d : JSON.readTree(client.get(query)).path("decisions")) {
            // checked again: an older proxy ignores the filter
            if (sandbox.equals(d.path("sandbox").asText())) {
                out.add(new Decision(d.path("at").asText(""), sandbox, d.path("method").asText("-"), d.path("target").asText(""),
                        d.path("decision").asText(""), d.path("status").asInt(0), d.path("reason").asText("")));
            }
        }
        java.util.Collections.reverse(out); // the proxy answers newest first; a log reads oldest first
        return out;
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static ObjectNode named(String sandbox) {
        return JSON.createObjectNode().put("name", sandbox);
    }

    private static ObjectNode patterns(String sandbox, List<String> patterns) {
        ObjectNode node = JSON.createObjectNode().put("sandbox", sandbox).put("ephemeral", true);
        patterns.forEach(node.putArray("patterns")::add);
        return node;
    }

    private interface Call {
        void run() throws IOException, InterruptedException;
    }

    private static void ignoreNotFound(Call call) throws IOException, InterruptedException {
        try {
            call.run();
        } catch (AdminClient.AdminException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }
}
