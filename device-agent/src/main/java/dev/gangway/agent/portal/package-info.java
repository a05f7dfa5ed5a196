/** The client of the portal's agent API ({@code /api/agent/v1}): registration and "which relay do I dial". */
package dev.gangway.agent.portal;
