// Declarations (no definitions) of the few Arduino/ESP8266 calls the sketch uses, so that
// `make sketch-check` can compile-check firmware/iotasign_bridge.ino with the host g++.
// Signatures follow the ESP8266 Arduino core; nothing here is linked or run.
#ifndef IOTASIGN_ARDUINO_DECLS_H
#define IOTASIGN_ARDUINO_DECLS_H
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <stdio.h>
uint32_t millis();
void yield();
struct HardwareSerial { int available(); int read(); size_t write(const uint8_t*, size_t n); void begin(unsigned long); void swap(); size_t setRxBufferSize(size_t); };
extern HardwareSerial Serial;
struct WiFiClient { int available(); int read(); int read(uint8_t*, size_t); uint8_t connected(); size_t printf(const char*, ...) __attribute__((format(printf, 2, 3))); size_t write(const uint8_t*, size_t); void flush(); void stop(); void setNoDelay(bool); operator bool(); };
struct WiFiServer { WiFiServer(uint16_t); void begin(); WiFiClient available(); };
enum WiFiMode_t { WIFI_STA };
struct ESP8266WiFiClass { bool mode(WiFiMode_t); int begin(const char*, const char*); };
extern ESP8266WiFiClass WiFi;
#endif
