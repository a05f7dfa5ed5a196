/**
 * Admin pages that need both rights and device names: the pools of devices ({@code /admin/pools}). Depends on
 * {@code rights} and {@code device}; neither depends on it.
 */
package dev.gangway.portal.directory;
