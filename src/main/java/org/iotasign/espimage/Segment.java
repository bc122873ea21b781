package org.iotasign.espimage;

/**
 * One segment of an ESP8266 image: where the loader puts it, how long it is, and where its data
 * starts in the file (just after its 8-byte address/length header).
 */
public record Segment(long loadAddress, long length, int fileOffset) {
}
