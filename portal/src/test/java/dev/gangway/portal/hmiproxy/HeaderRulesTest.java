package dev.gangway.portal.hmiproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.tunnel.LanTarget;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {

    private static final String ID = "abcdefghijklmnopqrstuvwxyz234567";

    private final HmiSession session = new HmiSession(ID, "acme", "alice", "device-1", "hmi",
            new LanTarget("198.19.0.2", 8080), false, "http://" + ID + ".hmi.localhost:8081", Instant.EPOCH,
            HmiProxySettings.defaults(), "token", "secret");

    @Test
    void onlyOneLabelOfSessionIdUnderTheBaseDomainNamesASession() {
        assertThat(HeaderRules.sessionIdFromHost(ID + ".hmi.localhost:8081", "hmi.localhost")).isEqualTo(ID);
        assertThat(HeaderRules.sessionIdFromHost(ID.toUpperCase() + ".HMI.localhost", "hmi.localhost")).isEqualTo(ID);
        assertThat(HeaderRules.sessionIdFromHost("x." + ID + ".hmi.localhost", "hmi.localhost")).isNull();
        assertThat(HeaderRules.sessionIdFromHost(ID + ".hmi.localhost.", "hmi.localhost")).isNull();
        assertThat(HeaderRules.sessionIdFromHost(ID + ".hmi.localhost:80x", "hmi.localhost")).isNull();
        assertThat(HeaderRules.sessionIdFromHost(ID + "hmi.localhost", "hmi.localhost")).isNull();
        assertThat(HeaderRules.sessionIdFromHost(ID.substring(1) + "1.hmi.localhost", "hmi.localhost")).isNull();
        assertThat(HeaderRules.sessionIdFromHost(null, "hmi.localhost")).isNull();
    }

    @Test
    void deviceCookiesLoseTheirDomainAndOursAreRefused() {
        assertThat(HeaderRules.hostOnlyCookie("a=1; Domain=198.19.0.2; Path=/; Secure"))
                .isEqualTo("a=1; Path=/; Secure");
        assertThat(HeaderRules.hostOnlyCookie("a=1;DOMAIN = .x;httponly")).isEqualTo("a=1; httponly");
        assertThat(HeaderRules.hostOnlyCookie("gangway_hmi=x; Path=/")).isNull();
        assertThat(HeaderRules.hostOnlyCookie(" GANGWAY_HMI =x")).isNull();
        assertThat(HeaderRules.hostOnlyCookie("no-equals-sign")).isNull();
    }

    @Test
    void locationsOnTheDeviceOriginMoveAndOthersStay() {
        String origin = session.origin();
        assertThat(HeaderRules.rewriteLocation("http://198.19.0.2:8080/a?b#c", session)).isEqualTo(origin + "/a?b#c");
        assertThat(HeaderRules.rewriteLocation("HTTP://198.19.0.2:8080", session)).isEqualTo(origin + "/");
        assertThat(HeaderRules.rewriteLocation("http://198.19.0.2:8080?q", session)).isEqualTo(origin + "/?q");
        assertThat(HeaderRules.rewriteLocation("//198.19.0.2:8080/p", session)).isEqualTo(origin + "/p");
        assertThat(HeaderRules.rewriteLocation("http://198.19.0.2:80801/p", session))
                .isEqualTo("http://198.19.0.2:80801/p");
        assertThat(HeaderRules.rewriteLocation("https://198.19.0.2:8080/p", session))
                .isEqualTo("https://198.19.0.2:8080/p");
        assertThat(HeaderRules.rewriteLocation("/relative", session)).isEqualTo("/relative");
        assertThat(HeaderRules.rewriteLocation("page2", session)).isEqualTo("page2");
    }

    @Test
    void hopByHopHeadersGoButTheConnectionHeaderCannotRemoveFraming() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        request.headers()
                .add("Connection", "keep-alive, Content-Length, X-Private")
                .add("Content-Length", "5")
                .add("X-Private", "1")
                .add("Keep-Alive", "timeout=5")
                .add("Expect", "100-continue")
                .add("Proxy-Authorization", "Basic eA==")
                .add("Host", ID + ".hmi.localhost:8081");
        HeaderRules.rewriteRequest(request, session, false);
        assertThat(request.headers().get("Content-Length")).isEqualTo("5");
        assertThat(request.headers().get("Host")).isEqualTo("198.19.0.2:8080");
        assertThat(request.headers().names()).map(String::toLowerCase)
                .doesNotContain("connection", "x-private", "keep-alive", "expect", "proxy-authorization");
    }

    @Test
    void framingMustBeUnambiguous() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        assertThat(HeaderRules.framingProblem(request)).isNull();
        request.headers().set("Transfer-Encoding", "chunked");
        assertThat(HeaderRules.framingProblem(request)).isNull();
        request.headers().set("Content-Length", "3");
        assertThat(HeaderRules.framingProblem(request)).contains("both");
        request.headers().remove("Transfer-Encoding").set("Content-Length", "3, 4");
        assertThat(HeaderRules.framingProblem(request)).contains("more than one");
    }

    @Test
    void aDeviceCannotClearTheSiteDataOrMoveTheOriginElsewhere() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().add("Clear-Site-Data", "\"cookies\", \"storage\"");
        response.headers().add("Alt-Svc", "h3=\":443\"");
        response.headers().add("Content-Type", "text/html");

        HeaderRules.rewriteResponse(response, session, false);

        assertThat(response.headers().contains("Clear-Site-Data")).isFalse();
        assertThat(response.headers().contains("Alt-Svc")).isFalse();
        assertThat(response.headers().get("Content-Type")).isEqualTo("text/html");
    }
}
