package io.egressproxy.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.egressproxy.core.config.InvalidConfigException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes admin API calls (JSON in, JSON out). Stateless apart from the shared services; runs on
 * the admin executor, never on a proxy event loop. Errors are JSON {@code {"error": "..."}} with
 * 400 (bad input, with what was wrong), 401 (token), 404 (no such endpoint or item).
 * <pre>
 * GET  /healthz                       liveness, no token
 * GET  /metrics                       Prometheus text
 * GET  /v1/policy                     effective policy, global and per sandbox
 * POST /v1/policy/{allow|block|bypass|remove}  {"patterns": [..], "sandbox": "name"?, "ephemeral": false?}
 * POST /v1/policy/default             {"policy": "allow|deny|ask", "sandbox": "name"?}
 * GET  /v1/sandboxes, POST /v1/sandboxes {"name", "token"?, "sources"?}, POST /v1/sandboxes/remove {"name"}
 * GET  /v1/decisions[?sandbox=NAME]    recent decisions (allowed, denied, failed, approvals), newest first
 * GET  /v1/approvals, POST /v1/approvals/{id} {"action": "allow|deny", "remember": false?}
 * GET  /v1/listeners, POST /v1/listeners {"sandbox", "listen"}, POST /v1/listeners/remove {"sandbox"}
 * POST /v1/reload                     re-read the config file
 * </pre>
 */
@io.netty.channel.ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .findAndRegisterModules();

    private final AdminServices services;
    private final java.util.concurrent.Executor calls;

    /**
     * @param calls where the calls run, one at a time: they may block (config files, listener
     *              binds), which the event loop must not. The handler itself stays on the event
     *              loop, so that closing a connection never has to hop between executors (a
     *              pipeline spread over two executors is torn down across both, and the second
     *              hop fails once the first has shut down).
     */
    AdminHandler(AdminServices services, java.util.concurrent.Executor calls) {
        super(false);
        this.services = services;
        this.calls = calls;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            calls.execute(() -> {
                try {
                    answer(ctx, request);
                } finally {
                    request.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            request.release();
            ctx.close();
        }
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpResponse response;
        try {
            response = route(request);
        } catch (IllegalArgumentException | InvalidConfigException e) {
            response = json(HttpResponseStatus.BAD_REQUEST, Map.of("error", String.valueOf(e.getMessage())));
        } catch (Exception e) {
            log.warn("admin call {} {} failed", request.method(), request.uri(), e);
            response = json(HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", e.toString()));
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse route(FullHttpRequest request) throws Exception {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        HttpMethod method = request.method();
        if (path.equals("/healthz")) {
            return json(HttpResponseStatus.OK, Map.of("status", "ok"));
        }
        if (!services.token().matchesHeader(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            log.info("admin call {} {} refused: missing or wrong bearer token", method, path);
            FullHttpResponse denied = json(HttpResponseStatus.UNAUTHORIZED,
                    Map.of("error", "missing or wrong bearer token; send Authorization: Bearer <contents of egress-proxy.admin.token-file>"));
            denied.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"egress-proxy-admin\"");
            return denied;
        }
        if (path.equals("/metrics") && method.equals(HttpMethod.GET)) {
            byte[] body = services.events().metrics().scrape().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            return r;
        }
        if (path.equals("/v1/policy") && method.equals(HttpMethod.GET)) {
            return json(HttpResponseStatus.OK, services.policy().describe());
        }
        if (path.startsWith("/v1/policy/") && method.equals(HttpMethod.POST)) {
            String action = path.substring("/v1/policy/".length());
            return changePolicy(action, body(request, action.equals("default")
                    ? List.of("policy", "sandbox", "ephemeral") : List.of("patterns", "sandbox", "ephemeral")));
        }
        if (path.equals("/v1/sandboxes")) {
            if (method.equals(HttpMethod.POST)) {
                JsonNode body = body(request, List.of("name", "token", "sources", "ephemeral"));
                services.policy().register(text(body, "name"), body.hasNonNull("token") ? text(body, "token") : null,
                        strings(body, "sources", false), !bool(body, "ephemeral"));
            }
            return json(HttpResponseStatus.OK, Map.of("sandboxes", services.policy().sandboxNames()));
        }
        if (path.equals("/v1/sandboxes/remove") && method.equals(HttpMethod.POST)) {
            JsonNode body = body(request, List.of("name", "ephemeral"));
            String name = text(body, "name");
            services.listeners().close(name);
            if (!services.policy().unregister(name, !bool(body, "ephemeral"))) {
                return json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no registered sandbox named '" + name + "'"));
            }
            return json(HttpResponseStatus.OK, Map.of("sandboxes", services.policy().sandboxNames()));
        }
        if (path.equals("/v1/decisions") && method.equals(HttpMethod.GET)) {
            List<String> sandbox = uri.parameters().get("sandbox");
            var decisions = services.events().decisions();
            return json(HttpResponseStatus.OK, Map.of("decisions",
                    sandbox == null ? decisions.recent() : decisions.recent(sandbox.get(0))));
        }
        if (path.equals("/v1/approvals") && method.equals(HttpMethod.GET)) {
            return json(HttpResponseStatus.OK, Map.of("pending", services.approvals().pending()));
        }
        if (path.startsWith("/v1/approvals/") && method.equals(HttpMethod.POST)) {
            JsonNode body = body(request, List.of("action", "remember"));
            String action = text(body, "action");
            if (!action.equals("allow") && !action.equals("deny")) {
                throw new IllegalArgumentException("action must be allow or deny");
            }
            String id = path.substring("/v1/approvals/".length());
            if (!services.approvals().decide(id, action.equals("allow"), bool(body, "remember"))) {
                return json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no request " + id + " is waiting (answered or timed out)"));
            }
            return json(HttpResponseStatus.OK, Map.of("id", id, "action", action));
        }
        if (path.equals("/v1/listeners")) {
            if (method.equals(HttpMethod.POST)) {
                JsonNode body = body(request, List.of("sandbox", "listen"));
                String bound = services.listeners().open(text(body, "sandbox"), text(body, "listen"));
                return json(HttpResponseStatus.OK, Map.of("sandbox", text(body, "sandbox"), "listen", bound));
            }
            return json(HttpResponseStatus.OK, Map.of("listeners", services.listeners().list()));
        }
        if (path.equals("/v1/listeners/remove") && method.equals(HttpMethod.POST)) {
            String sandbox = text(body(request, List.of("sandbox")), "sandbox");
            return json(HttpResponseStatus.OK, Map.of("sandbox", sandbox, "removed", services.listeners().close(sandbox)));
        }
        if (path.equals("/v1/reload") && method.equals(HttpMethod.POST)) {
            return json(HttpResponseStatus.OK, Map.of("reloaded", services.reload().get()));
        }
        return json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no endpoint " + method + " " + path));
    }

    private FullHttpResponse changePolicy(String action, JsonNode body) {
        String sandbox = body.hasNonNull("sandbox") ? text(body, "sandbox") : null;
        boolean persist = !bool(body, "ephemeral");
        switch (action) {
            case "allow", "block", "bypass" -> services.policy().add(action, sandbox, strings(body, "patterns", true), persist);
            case "remove" -> services.policy().remove(sandbox, strings(body, "patterns", true), persist);
            case "default" -> services.policy().setDefault(sandbox, text(body, "policy"), persist);
            default -> throw new IllegalArgumentException("unknown policy action '" + action + "'; use allow, block, bypass, remove or default");
        }
        log.info("admin: policy {} {} {}", action, sandbox == null ? "(global)" : "sandbox " + sandbox,
                body.has("patterns") ? body.get("patterns") : body.path("policy").asText());
        return json(HttpResponseStatus.OK, services.policy().describe());
    }

    /** The JSON body; fields other than {@code allowed} are refused (a typo must not change the wrong scope). */
    private static JsonNode body(FullHttpRequest request, List<String> allowed) throws java.io.IOException {
        JsonNode body = body(request);
        if (!body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                throw new IllegalArgumentException("unknown field '" + field + "'; this call takes " + allowed);
            }
        });
        return body;
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("field '" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    private static JsonNode body(FullHttpRequest request) throws java.io.IOException {
        String text = request.content().toString(StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' (a string) is required");
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("field '" + field + "' (a list of strings) is required");
            }
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' must be a list of strings");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : (ArrayNode) value) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException("field '" + field + "' must hold strings only, got " + item);
            }
            list.add(item.asText());
        }
        return list;
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object value) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(value instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : value);
        } catch (Exception e) {
            body = ("{\"error\":\"" + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }
}
