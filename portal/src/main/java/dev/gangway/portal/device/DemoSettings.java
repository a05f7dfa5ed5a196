package dev.gangway.portal.device;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo set-up used by the start script and the end-to-end tests.
 *
 * @param enabled when true the default account gets a device "Demo machine" and, while it holds no valid
 *     certificate, a fresh activation key is written to {@code <data-dir>/demo/activation-key} (0600) at start
 */
@ConfigurationProperties("gangway.demo")
public record DemoSettings(@DefaultValue("false") boolean enabled) {
}
