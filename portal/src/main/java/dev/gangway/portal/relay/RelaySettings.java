package dev.gangway.portal.relay;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The embedded relay.
 *
 * @param port TCP port the relay listens on (env {@code GANGWAY_RELAY_PORT}, default 8443; 0 picks a free one)
 * @param bindAddress address to listen on (default all interfaces)
 * @param publicHost host name or address agents dial and the relay certificate names (env
 *     {@code GANGWAY_RELAY_PUBLIC_HOST}, default {@code localhost})
 * @param publicPort port agents dial when it differs from {@code port} (NAT, load balancer); 0 means {@code port}
 * @param keepaliveInterval PING a connection after this much idle time. A device tunnel whose agent announces its
 *     own keepalive interval (agent-info header) is left to that agent: the relay PINGs it only after 1.5 times the
 *     agent's interval of silence, or this, whichever is longer (agent default 180 s, so 270 s: the agent missed a
 *     beat); agents that announce nothing, and stream clients, get this
 * @param keepaliveTimeout a connection whose PING is not answered within this time is dead
 * @param maxStreamsPerTunnel concurrent streams one device tunnel may carry
 */
@Validated
@ConfigurationProperties("gangway.relay")
public record RelaySettings(
        @Min(0) @Max(65535) @DefaultValue("8443") int port,
        @NotBlank @DefaultValue("0.0.0.0") String bindAddress,
        @NotBlank @DefaultValue("localhost") String publicHost,
        @Min(0) @Max(65535) @DefaultValue("0") int publicPort,
        @NotNull @DefaultValue("25s") Duration keepaliveInterval,
        @NotNull @DefaultValue("10s") Duration keepaliveTimeout,
        @Min(1) @DefaultValue("256") int maxStreamsPerTunnel) {
}
