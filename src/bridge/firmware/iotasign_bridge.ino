// iotasign reference bridge for the ESP8266 (docs/serial-link.md).
//
// Takes an unsigned release blob as an HTTP POST on the build network and streams it to
// the air-gapped signer over the UART with the serial link protocol, never holding more
// than the protocol window (4 x 1 KiB) of it in RAM. Answers the uploader with the
// 64-byte signature; the build machine appends it and checks the result with
// `iotasign verify`.
//
//   curl --data-binary @02_09_00.unsigned
//        -H "X-Blob-SHA256: $(sha256sum 02_09_00.unsigned | cut -d' ' -f1)"
//        -o 02_09_00.sig http://BRIDGE/sign      (one command line)
//
// All protocol code is in lib/slink (plain C++, also built and tested on the host); this
// file only glues it to the UART, the WiFi server and the HTTP request.
#include <ESP8266WiFi.h>

#include "slink_bridge.h"

#ifndef BRIDGE_BAUD
#define BRIDGE_BAUD 921600
#endif

namespace {

const uint8_t kWindow = 4;
const uint16_t kChunk = 1024;
const uint32_t kClientTimeoutMs = 20000;
uint8_t windowBuffer[kWindow * kChunk];
WiFiServer server(80);

class UartPort : public slink::Port {
 public:
  int read(uint8_t* buf, size_t max, uint32_t timeoutMs) override {
    uint32_t start = ::millis();
    while (Serial.available() == 0) {
      if (::millis() - start >= timeoutMs) {
        return 0;
      }
      yield();  // keeps WiFi alive while waiting for the signer
    }
    size_t n = 0;
    while (n < max && Serial.available() > 0) {
      buf[n++] = (uint8_t)Serial.read();
    }
    return (int)n;
  }
  bool write(const uint8_t* data, size_t len) override {
    return Serial.write(data, len) == len;
  }
  uint32_t millis() override { return ::millis(); }
};

// The HTTP request body, read from the socket only as the protocol needs it.
class ClientSource : public slink::Source {
 public:
  explicit ClientSource(WiFiClient& client) : client_(client) {}
  bool read(uint8_t* buf, size_t len) override {
    size_t got = 0;
    uint32_t last = ::millis();
    while (got < len) {
      int avail = client_.available();
      if (avail > 0) {
        int n = client_.read(buf + got, len - got);
        if (n > 0) {
          got += (size_t)n;
          last = ::millis();
          continue;
        }
      }
      if (!client_.connected() || ::millis() - last > kClientTimeoutMs) {
        return false;
      }
      yield();
    }
    return true;
  }

 private:
  WiFiClient& client_;
};

slink::Settings bridgeSettings() {
  slink::Settings s;
  s.window = kWindow;
  s.chunk = kChunk;
  return s;
}

// Global, not on the stack: the bridge holds about 3.5 KiB of frame buffers and the
// ESP8266's stack is 4 KiB.
UartPort uartPort;
slink::Bridge bridge(uartPort, windowBuffer, bridgeSettings());

bool readLine(WiFiClient& c, char* line, size_t size) {
  size_t n = 0;
  uint32_t start = ::millis();
  while (::millis() - start < kClientTimeoutMs) {
    if (!c.available()) {
      if (!c.connected()) {
        return false;
      }
      yield();
      continue;
    }
    char ch = (char)c.read();
    if (ch == '\n') {
      if (n > 0 && line[n - 1] == '\r') {
        n--;
      }
      line[n] = 0;
      return true;
    }
    if (n + 1 < size) {
      line[n++] = ch;
    }
  }
  return false;
}

bool parseHex(const char* hex, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char pair[3] = {hex[2 * i], hex[2 * i + 1], 0};
    char* end;
    if (!pair[0] || !pair[1]) {
      return false;
    }
    out[i] = (uint8_t)strtoul(pair, &end, 16);
    if (*end) {
      return false;
    }
  }
  return hex[2 * n] == 0;
}

void toHex(const uint8_t* b, size_t n, char* out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[b[i] >> 4];
    out[2 * i + 1] = digits[b[i] & 15];
  }
  out[2 * n] = 0;
}

void respond(WiFiClient& c, int code, const char* reason, const char* text) {
  c.printf("HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: %u\r\n\r\n%s\n",
           code, reason, (unsigned)strlen(text) + 1, text);
}

void handle(WiFiClient& c) {
  char line[160];
  if (!readLine(c, line, sizeof(line))) {
    return;
  }
  bool isSign = strncmp(line, "POST /sign ", 11) == 0;
  long length = -1;
  bool haveDigest = false;
  uint8_t digest[32];
  while (readLine(c, line, sizeof(line)) && line[0] != 0) {
    if (strncasecmp(line, "Content-Length:", 15) == 0) {
      length = atol(line + 15);
    } else if (strncasecmp(line, "X-Blob-SHA256:", 14) == 0) {
      const char* v = line + 14;
      while (*v == ' ') v++;
      haveDigest = parseHex(v, digest, 32);
    }
  }
  if (!isSign) {
    respond(c, 404, "Not Found", "POST the unsigned blob to /sign with an X-Blob-SHA256 header");
    return;
  }
  if (length <= 0 || !haveDigest) {
    respond(c, 400, "Bad Request", "need Content-Length and X-Blob-SHA256 (64 hex digits)");
    return;
  }
  ClientSource source(c);
  slink::Result r = bridge.submit(source, (uint32_t)length, digest, 0);
  if (r.outcome == slink::OUTCOME_SIGNED) {
    char digestHex[65];
    char keyHex[65];
    toHex(r.digest, 32, digestHex);
    toHex(r.signerKey, 32, keyHex);
    c.printf("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-Digest: %s\r\nX-Signer-Key: %s\r\n"
             "Connection: close\r\nContent-Length: 64\r\n\r\n", digestHex, keyHex);
    c.write(r.signature, 64);
  } else if (r.outcome == slink::OUTCOME_REFUSED) {
    char text[240];
    snprintf(text, sizeof(text), "refused (code %u): %s", r.refusalCode, r.message);
    respond(c, 422, "Unprocessable Entity", text);
  } else {
    respond(c, 503, "Service Unavailable", r.message);
  }
}

}  // namespace

void setup() {
  Serial.setRxBufferSize(1024);
  Serial.begin(BRIDGE_BAUD);
  // UART0 moves to GPIO15 (TX) / GPIO13 (RX): the boot ROM's messages on GPIO1 never
  // reach the signer, and the USB programming pins stay free.
  Serial.swap();
  WiFi.mode(WIFI_STA);
  WiFi.begin(BRIDGE_WIFI_SSID, BRIDGE_WIFI_PASSWORD);
  server.begin();
}

void loop() {
  WiFiClient client = server.available();
  if (!client) {
    return;
  }
  client.setNoDelay(true);
  handle(client);
  client.flush();
  client.stop();
}
