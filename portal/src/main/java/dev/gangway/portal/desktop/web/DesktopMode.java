package dev.gangway.portal.desktop.web;

/** What a user may do with a device's remote desktops. */
public enum DesktopMode {
    /** "Remote desktop: control" (or an administrator): keyboard, mouse, clipboard both ways. */
    CONTROL,
    /** "Remote desktop: view only": the screen only; no input, no clipboard, reaches the service. */
    VIEW_ONLY
}
