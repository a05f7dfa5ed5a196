package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.tunnel.StreamClient;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import io.netty.channel.Channel;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/**
 * The client's streams end to end inside the portal: the embedded relay, a real device tunnel (a {@link TunnelClient}
 * agent with its registered certificate) and a {@link StreamClient} with a client certificate from the client API.
 * A ticketed stream carries bytes and becomes a {@code forward} row of the connection report; the relay itself
 * refuses a stream whose certificate expired, whose session ended, or whose user lost the right, even with a ticket
 * signed by the portal's own key.
 */
class ClientForwardRelayTest extends ClientRelayTestSupport {

    @Test
    void aClientStreamCarriesBytesIsReportedAndIsRefusedAtTheRelayOnceTheRightIsGone() throws Exception {
        String token = token(member, "unused", address);
        ClientKey key = certificate(token, address);
        client = connect(key);

        String ticket = ticket(token, "127.0.0.1", echo.getLocalPort(), key.fingerprint());
        Channel stream = client.openStream(ticket).get(30, TimeUnit.SECONDS);
        assertThat(echoThrough(stream, "ping through the client\n")).isEqualTo("ping through the client\n");
        stream.close();

        await().atMost(WAIT).until(() -> count("select count(*) from connection_record where account_id = ?"
                + " and ended_at is not null", member.accountId()) == 1);
        Map<String, Object> row = jdbc.queryForMap("select * from connection_record where account_id = ?",
                member.accountId());
        assertThat(row.get("kind")).isEqualTo("forward");
        assertThat(row.get("service")).as("the device's service at that host and port").isEqualTo("hmi");
        assertThat(row.get("username")).isEqualTo(member.username());
        assertThat(row.get("user_id")).isEqualTo(member.userId());
        assertThat(row.get("device_id")).isEqualTo(deviceId);
        assertThat(row.get("client_address")).isEqualTo(address);
        assertThat(row.get("bytes_in")).isEqualTo(24L);
        assertThat(row.get("bytes_out")).isEqualTo(24L);
        assertThat(row.get("end_reason")).isEqualTo(ClientStreamAuthorizer.CLOSED);
        assertThat(count("select count(*) from audit_event where account_id = ? and action = 'connection.open'",
                member.accountId())).isOne();

        assertRefused(client.openStream(ticket), TunnelError.BAD_TICKET);

        // a target the agent refuses: admitted by the portal, failed at the device; the row says why
        Channel refusedByAgent = null;
        try {
            refusedByAgent = client.openStream(ticket(token, "127.0.0.1", 1, key.fingerprint()))
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(TunnelException.class,
                    t -> assertThat(t.error()).isEqualTo(TunnelError.TARGET_NOT_ALLOWED));
        }
        assertThat(refusedByAgent).isNull();
        await().atMost(WAIT).until(() -> count("select count(*) from connection_record where account_id = ?"
                + " and service = '127.0.0.1:1' and ended_at is not null", member.accountId()) == 1);
        assertThat(jdbc.queryForObject("select end_reason from connection_record where account_id = ? and service"
                + " = '127.0.0.1:1'", String.class, member.accountId())).startsWith("could not open: ")
                .contains("target not allowed");

        // tickets the portal would not give, signed with its key anyway: the relay's own checks refuse them
        assertRefused(client.openStream(handMade("")), TunnelError.BAD_TICKET);
        jdbc.update("update client_certificate set not_after = ? where fingerprint = ?",
                Timestamp.from(Instant.now().minusSeconds(1)), key.fingerprint());
        assertRefused(client.openStream(handMade(key.fingerprint())), TunnelError.NO_RIGHT);

        ClientKey renewed = certificate(token, address);
        client.close();
        client = connect(renewed);
        stream = client.openStream(handMade(renewed.fingerprint())).get(30, TimeUnit.SECONDS);
        assertThat(echoThrough(stream, "renewed\n")).isEqualTo("renewed\n");
        stream.close();

        jdbc.update("delete from pool_right where group_id = ?", group);
        assertError(perform(call(HttpMethod.POST, "/tickets", token, ticketBody(deviceId, "127.0.0.1",
                echo.getLocalPort(), renewed.fingerprint()), address)), 404, "no-such-device");
        assertRefused(client.openStream(handMade(renewed.fingerprint())),
                TunnelError.NO_RIGHT);
        new RightsTestData(jdbc).grant(group, pool, Right.VIEW_STATUS);
        assertError(perform(call(HttpMethod.POST, "/tickets", token, ticketBody(deviceId, "127.0.0.1",
                echo.getLocalPort(), renewed.fingerprint()), address)), 403, "no-right");
        assertRefused(client.openStream(handMade(renewed.fingerprint())),
                TunnelError.NO_RIGHT);

        new RightsTestData(jdbc).grant(group, pool, Right.CLIENT_FORWARD);
        stream = client.openStream(handMade(renewed.fingerprint())).get(30, TimeUnit.SECONDS);
        stream.close();
        assertThat(perform(call(HttpMethod.DELETE, "/sessions/current", token, null, address)).getResponse()
                .getStatus()).isEqualTo(204);
        assertRefused(client.openStream(handMade(renewed.fingerprint())),
                TunnelError.NO_RIGHT);

        await().atMost(WAIT).until(() -> count("select count(*) from connection_record where account_id = ?"
                + " and ended_at is null", member.accountId()) == 0);
        assertThat(count("select count(*) from connection_record where account_id = ?", member.accountId()))
                .as("refused streams are not connections: the stream, the renewed one, the one refused by the "
                        + "agent, the one after the right came back").isEqualTo(4);
    }
}
