package dev.gangway.agent.tunnel;

import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Makes the agent check that the relay's certificate names the host it dialed (RFC 6125, as browsers do),
 * on top of the CA check: a certificate of our CA issued to another relay does not pass for this one.
 */
final class RelayHostVerification extends DelegatingSslContext {

    RelayHostVerification(SslContext context) {
        super(context);
    }

    @Override
    protected void initEngine(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
    }
}
