package dev.gangway.agent.tunnel;

import dev.gangway.agent.config.ServiceConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * The answer to the relay's {@code GET /gangway/v1/agent-info}:
 * {@code {"agentVersion","hostname","services":[{"name","kind","host","port"}]}}. Built once: the configuration
 * does not change while the agent runs.
 */
final class AgentInfo implements Supplier<String> {

    private final String json;

    AgentInfo(String agentVersion, String hostname, List<ServiceConfig> services) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("agentVersion", agentVersion);
        info.put("hostname", hostname);
        info.put("services", services.stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("kind", s.kind().id());
            m.put("host", s.host());
            m.put("port", s.port());
            return m;
        }).toList());
        this.json = JsonMapper.builder().build().writeValueAsString(info);
    }

    @Override
    public String get() {
        return json;
    }

    /** This machine's name: /etc/hostname where there is one (no DNS lookup), else what Java reports. */
    static String hostname() {
        try {
            String name = Files.readString(Path.of("/etc/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            // not Linux or not readable: ask Java below
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
