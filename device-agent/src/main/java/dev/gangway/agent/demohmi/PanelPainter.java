package dev.gangway.agent.demohmi;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Draws the demo machine's operator panel (what a VNC HMI panel of a press shows): live gauges, a parts counter, a
 * Start/Stop button that answers clicks, a message field that shows what is typed, and the last clipboard text.
 */
final class PanelPainter {

    static final int WIDTH = 800;
    static final int HEIGHT = 480;
    /** The Start/Stop button; a click inside toggles the machine. */
    static final Rectangle BUTTON = new Rectangle(560, 340, 200, 90);
    /** The panel's background colour (the tests look for it). */
    static final Color BACKGROUND = new Color(0x1f, 0x2a, 0x38);
    static final Color RUNNING = new Color(0x2e, 0xa0, 0x43);
    static final Color STOPPED = new Color(0xc6, 0x28, 0x28);

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final long started;

    PanelPainter(Clock clock) {
        this.clock = clock;
        this.started = clock.millis();
    }

    /** Paints the panel as of now into {@code image} (WIDTH × HEIGHT, TYPE_INT_RGB). */
    void paint(BufferedImage image, PanelState state) {
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(new Color(0x11, 0x18, 0x22));
            g.fillRect(0, 0, WIDTH, 56);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
            g.drawString("Demo machine · Press line 3", 24, 36);
            g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 18));
            g.drawString(TIME.format(clock.instant()) + " UTC", WIDTH - 150, 35);

            boolean running = state.running();
            double t = clock.millis() / 1000.0;
            double rpm = running ? 1450 + 60 * Math.sin(t / 7) + 15 * Math.sin(t * 1.3) : 0;
            double oil = 48 + 3 * Math.sin(t / 60) + 0.4 * Math.sin(t / 3) - (running ? 0 : 6);
            double air = 6.2 + 0.25 * Math.sin(t / 11) + 0.05 * Math.sin(t * 2.1);
            gauge(g, 24, 90, "Spindle", String.format(Locale.ROOT, "%.0f rpm", rpm), rpm / 2000);
            gauge(g, 24, 170, "Oil temperature", String.format(Locale.ROOT, "%.1f °C", oil), oil / 80);
            gauge(g, 24, 250, "Air pressure", String.format(Locale.ROOT, "%.2f bar", air), air / 10);

            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 18));
            g.drawString("Parts produced", 560, 110);
            g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 44));
            g.drawString(String.valueOf((clock.millis() - started) / 2500), 560, 160);

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
            g.setColor(new Color(0xb0, 0xbe, 0xc5));
            g.drawString("Message (type here):", 24, 350);
            g.setColor(new Color(0x0b, 0x10, 0x17));
            g.fillRect(24, 360, 500, 36);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 20));
            g.drawString(state.typed() + "_", 32, 385);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            g.setColor(new Color(0xb0, 0xbe, 0xc5));
            g.drawString("Clipboard received: " + (state.clipboard().isEmpty() ? "—" : state.clipboard()), 24, 425);

            g.setColor(running ? STOPPED : RUNNING);
            g.fillRoundRect(BUTTON.x, BUTTON.y, BUTTON.width, BUTTON.height, 16, 16);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 30));
            g.drawString(running ? "STOP" : "START", BUTTON.x + (running ? 62 : 52), BUTTON.y + 56);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
            g.setColor(running ? RUNNING : STOPPED);
            g.drawString(running ? "● running" : "● stopped", 560, 320);
        } finally {
            g.dispose();
        }
    }

    private static void gauge(Graphics2D g, int x, int y, String label, String value, double fraction) {
        g.setColor(new Color(0xb0, 0xbe, 0xc5));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        g.drawString(label, x, y);
        g.setColor(new Color(0x0b, 0x10, 0x17));
        g.fillRect(x, y + 10, 400, 28);
        g.setColor(new Color(0x29, 0x79, 0xff));
        g.fillRect(x, y + 10, (int) (400 * Math.max(0, Math.min(1, fraction))), 28);
        g.setColor(new Color(0x44, 0x55, 0x66));
        g.setStroke(new BasicStroke(1));
        g.drawRect(x, y + 10, 400, 28);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 18));
        g.drawString(value, x + 420, y + 31);
    }
}
