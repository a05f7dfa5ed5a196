package dev.gangway.portal.desktop.vnc;

/**
 * Counters of one embedded VNC session, for the connection report and the benchmark.
 *
 * @param frames frames sent to the browser (each ends with a {@code sync})
 * @param bytesToBrowser characters of Guacamole instructions sent to the browser (ASCII but for clipboard-free
 *     text elements, so about bytes)
 * @param bytesFromDevice RFB bytes read from the tunnel
 * @param bytesToDevice RFB bytes written to the tunnel
 * @param pngImages images sent as PNG (cursor included)
 * @param jpegImages images sent as JPEG
 * @param copies Guacamole {@code copy} instructions sent for RFB CopyRect
 * @param refreshes lossless redraws of regions first sent as JPEG
 */
public record VncSessionStats(long frames, long bytesToBrowser, long bytesFromDevice, long bytesToDevice,
        long pngImages, long jpegImages, long copies, long refreshes) {
}
