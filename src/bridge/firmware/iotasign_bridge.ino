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
//
// Every string literal stays in flash (PSTR, read with the *_P functions and printf_P,
// which since core 2.5.0 also accept flash strings for %s): the ESP8266 would otherwise
// copy each one into RAM at boot. scripts/bridge-chip-check fails if one is not.
#include <ESP8266WiFi.h>

#include "slink_bridge.h"

#ifndef BRIDGE_BAUD
#define BRIDGE_BAUD 921600
#endif
static_assert(sizeof(BRIDGE_WIFI_SSID) <= 33, "BRIDGE_WIFI_SSID: a WiFi SSID has at most 32 characters");
static_assert(sizeof(BRIDGE_WIFI_PASSWORD) <= 65, "BRIDGE_WIFI_PASSWORD: a WPA passphrase has at most 64 characters");

namespace {

const uint32_t kClientTimeoutMs = 20000;
uint8_t windowBuffer[slink::kDefaultWindow * slink::kDefaultChunk];
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

// Global, not on the stack: the bridge holds about 3.8 KiB of frame buffers and the
// ESP8266's stack is 4 KiB.
UartPort uartPort;
slink::Bridge bridge(uartPort, windowBuffer, slink::Settings());

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

char hexDigit(uint8_t d) { return (char)(d < 10 ? '0' + d : 'a' + d - 10); }

void toHex(const uint8_t* b, size_t n, char* out) {
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hexDigit(b[i] >> 4);
    out[2 * i + 1] = hexDigit(b[i] & 15);
  }
  out[2 * n] = 0;
}

// status is a PSTR; text a PSTR or a RAM string (the *_P functions read both).
void respond(WiFiClient& c, PGM_P status, PGM_P text) {
  c.printf_P(PSTR("HTTP/1.1 %s\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: %u\r\n\r\n%s\n"),
             status, (unsigned)strlen_P(text) + 1, text);
}

void handle(WiFiClient& c) {
  char line[160];
  if (!readLine(c, line, sizeof(line))) {
    return;
  }
  bool isSign = strncmp_P(line, PSTR("POST /sign "), 11) == 0;
  long length = -1;
  bool haveDigest = false;
  uint8_t digest[32];
  while (readLine(c, line, sizeof(line)) && line[0] != 0) {
    if (strncasecmp_P(line, PSTR("Content-Length:"), 15) == 0) {
      length = atol(line + 15);
    } else if (strncasecmp_P(line, PSTR("X-Blob-SHA256:"), 14) == 0) {
      const char* v = line + 14;
      while (*v == ' ') v++;
      haveDigest = parseHex(v, digest, 32);
    }
  }
  if (!isSign) {
    respond(c, PSTR("404 Not Found"), PSTR("POST the unsigned blob to /sign with an X-Blob-SHA256 header"));
    return;
  }
  if (length <= 0 || !haveDigest) {
    respond(c, PSTR("400 Bad Request"), PSTR("need Content-Length and X-Blob-SHA256 (64 hex digits)"));
    return;
  }
  ClientSource source(c);
  const slink::Result& r = bridge.submit(source, (uint32_t)length, digest, 0);
  if (r.outcome == slink::OUTCOME_SIGNED) {
    char digestHex[65];
    char keyHex[65];
    toHex(r.digest, 32, digestHex);
    toHex(r.signerKey, 32, keyHex);
    c.printf_P(PSTR("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-Digest: %s\r\nX-Signer-Key: %s\r\n"
                    "Connection: close\r\nContent-Length: 64\r\n\r\n"),
               digestHex, keyHex);
    c.write(r.signature, 64);
  } else if (r.outcome == slink::OUTCOME_REFUSED) {
    char text[240];
    snprintf_P(text, sizeof(text), PSTR("refused (code %u): %s"), r.refusalCode, r.message);
    respond(c, PSTR("422 Unprocessable Entity"), text);
  } else {
    respond(c, PSTR("503 Service Unavailable"), r.message);
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
  // The credentials live in flash; WiFi.begin reads RAM strings. SSID <= 32, passphrase <= 64.
  char ssid[33];
  char password[65];
  strncpy_P(ssid, PSTR(BRIDGE_WIFI_SSID), sizeof(ssid) - 1);
  ssid[sizeof(ssid) - 1] = 0;
  strncpy_P(password, PSTR(BRIDGE_WIFI_PASSWORD), sizeof(password) - 1);
  password[sizeof(password) - 1] = 0;
  WiFi.begin(ssid, password);
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
