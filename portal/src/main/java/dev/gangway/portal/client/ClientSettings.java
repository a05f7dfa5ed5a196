package dev.gangway.portal.client;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Gangway client's certificates and tickets, and how fast a client session may ask for tickets.
 *
 * @param certificateLifetime how long a client certificate is valid (default one hour; never beyond the end of its
 *     client session). The client renews it at two thirds of its life; a shorter one bounds how long a copied
 *     certificate and key are of use, a longer one means fewer renewals.
 * @param ticketSeconds how long a stream ticket is valid (default 60 s: it only has to last until the client opens
 *     the stream on the relay)
 * @param ticketBurst how many tickets one client session may ask for at once (default 50), see
 *     {@link ClientTicketRate}
 * @param ticketsPerSecond how many tickets a second one client session may ask for after its burst (default 20;
 *     fractions allowed, e.g. 0.5)
 */
@Validated
@ConfigurationProperties("gangway.client")
public record ClientSettings(
        @NotNull @DefaultValue("1h") Duration certificateLifetime,
        @Min(5) @Max(600) @DefaultValue("60") int ticketSeconds,
        @Min(1) @Max(10_000) @DefaultValue("50") int ticketBurst,
        @DefaultValue("20") double ticketsPerSecond) {

    public ClientSettings {
        if (certificateLifetime == null || certificateLifetime.compareTo(Duration.ofMinutes(5)) < 0
                || certificateLifetime.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("gangway.client.certificate-lifetime must lie between 5m and 24h, "
                    + "e.g. 1h (it is " + certificateLifetime + ")");
        }
        if (!(ticketsPerSecond >= 0.001 && ticketsPerSecond <= 10_000)) {
            throw new IllegalArgumentException("gangway.client.tickets-per-second must lie between 0.001 and 10000, "
                    + "e.g. 20 (it is " + ticketsPerSecond + ")");
        }
    }
}
