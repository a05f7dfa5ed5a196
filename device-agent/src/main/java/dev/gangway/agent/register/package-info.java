/**
 * Commissioning: the device's key and CSR, its serial, the {@code register} command and {@link
 * dev.gangway.agent.register.Registrar}, the one registration step that {@code register} and self-registration
 * ({@code dev.gangway.agent.setup}) share.
 */
package dev.gangway.agent.register;
