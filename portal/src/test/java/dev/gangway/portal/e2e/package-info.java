/**
 * End-to-end tests: the real portal, real agent processes in network namespaces the test creates, and Chromium
 * driven by Playwright. See docs/testing.md for the network lab and what needs root.
 */
package dev.gangway.portal.e2e;
