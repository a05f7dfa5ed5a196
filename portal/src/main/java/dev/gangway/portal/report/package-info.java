/**
 * The connection report (who reached which device service, from where, when, for how long, how many bytes) and
 * the audit log pages. Connections are recorded here by the features that carry them (the HMI proxy now; remote
 * desktops and client forwards later) and survive renamed or deleted users and devices.
 */
package dev.gangway.portal.report;
