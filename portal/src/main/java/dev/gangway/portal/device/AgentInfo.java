package dev.gangway.portal.device;

import dev.gangway.tunnel.LanTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a device agent says about itself on the tunnel. The text comes from the device and is treated as hostile:
 * size and count are capped, every service is checked, and what does not fit is dropped (and logged).
 *
 * @param agentVersion the agent's version, or null
 * @param hostname the machine's host name, or null
 * @param services the services it allows, valid ones only
 */
record AgentInfo(String agentVersion, String hostname, List<AgentService> services) {

    private static final Logger log = LoggerFactory.getLogger(AgentInfo.class);
    private static final int MAX_TEXT = 64 * 1024;
    private static final int MAX_SERVICES = 64;
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]{1,255}");

    static final AgentInfo EMPTY = new AgentInfo(null, null, List.of());

    static AgentInfo parse(JsonMapper json, String deviceId, String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        if (text.length() > MAX_TEXT) {
            log.warn("Device {} sent agent info of {} characters; ignored (limit {})", deviceId, text.length(),
                    MAX_TEXT);
            return EMPTY;
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JacksonException e) {
            log.warn("Device {} sent agent info that is not JSON; ignored", deviceId);
            return EMPTY;
        }
        if (root == null || !root.isObject()) {
            return EMPTY;
        }
        Map<String, AgentService> services = new LinkedHashMap<>();
        JsonNode list = root.path("services");
        if (list.isArray()) {
            for (JsonNode node : list) {
                if (services.size() >= MAX_SERVICES) {
                    log.warn("Device {} lists more than {} services; the rest are ignored", deviceId, MAX_SERVICES);
                    break;
                }
                AgentService service = service(deviceId, node);
                if (service != null && !services.containsKey(service.name())) {
                    services.put(service.name(), service);
                }
            }
        }
        return new AgentInfo(printable(root.path("agentVersion")), printable(root.path("hostname")),
                List.copyOf(services.values()));
    }

    private static AgentService service(String deviceId, JsonNode node) {
        String name = node.path("name").isString() ? node.path("name").asString() : "";
        String kind = node.path("kind").isString() ? node.path("kind").asString().toLowerCase(Locale.ROOT) : "";
        String host = node.path("host").isString() ? node.path("host").asString() : "";
        int port = node.path("port").canConvertToInt() ? node.path("port").asInt() : -1;
        if (!SERVICE_NAME.matcher(name).matches() || !AgentService.KINDS.contains(kind)) {
            log.warn("Device {} lists a service with an invalid name or kind; ignored", deviceId);
            return null;
        }
        try {
            LanTarget target = new LanTarget(host, port);
            return new AgentService(name, kind, target.host(), target.port());
        } catch (IllegalArgumentException e) {
            log.warn("Device {} lists service {} with an invalid target: {}; ignored", deviceId, name, e.getMessage());
            return null;
        }
    }

    private static String printable(JsonNode node) {
        if (!node.isString()) {
            return null;
        }
        String value = node.asString();
        return PRINTABLE.matcher(value).matches() ? value : null;
    }

    /** The services as stored on the device row. */
    static String servicesJson(JsonMapper json, List<AgentService> services) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AgentService s : services) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("kind", s.kind());
            m.put("host", s.host());
            m.put("port", s.port());
            out.add(m);
        }
        return json.writeValueAsString(out);
    }

    /** Reads the stored services back; an unreadable value gives none. */
    static List<AgentService> readServices(JsonMapper json, String servicesJson) {
        if (servicesJson == null || servicesJson.isBlank()) {
            return List.of();
        }
        return parse(json, "(stored)", "{\"services\":" + servicesJson + "}").services();
    }
}
