package dev.gangway.portal.report;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * At start, closes the connection records the previous run of the portal left open (it crashed or was killed, so
 * nothing it carried is live). It runs once every bean exists and before the portal, the relay and the HMI proxy
 * start listening, so no connection of this run can be among them.
 *
 * <p>This assumes one portal per database, which is what Gangway runs today; several portals sharing a database
 * would need a portal id on the records.
 */
@Component
class LeftOpenConnections implements SmartInitializingSingleton {

    private final ConnectionReport report;

    LeftOpenConnections(ConnectionReport report) {
        this.report = report;
    }

    @Override
    public void afterSingletonsInstantiated() {
        report.closeLeftOpen();
    }
}
