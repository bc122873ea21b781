// Declarations (no definitions) of the few Arduino/ESP8266 calls the sketch uses, so that
// `make sketch-check` can compile-check firmware/iotasign_bridge.ino with the host g++ and
// scripts/bridge-chip-check can compile it for the ESP8266 (stack frames, no literals in
// RAM). Signatures follow the ESP8266 Arduino core 3.1.2; nothing here is linked or run.
#ifndef IOTASIGN_ARDUINO_DECLS_H
#define IOTASIGN_ARDUINO_DECLS_H
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <stdio.h>
// pgmspace: PSTR puts the literal in the section the core's linker script maps to flash.
#define PGM_P const char*
#if defined(__XTENSA__)
#define PSTR_STRINGIZE_(x) #x
#define PSTR_STRINGIZE(x) PSTR_STRINGIZE_(x)
#define PSTR(s) (__extension__({ static const char pstr_[] __attribute__((aligned(4), section(".irom0.pstr.sketch." PSTR_STRINGIZE(__LINE__) "." PSTR_STRINGIZE(__COUNTER__)))) = (s); &pstr_[0]; }))
#else
#define PSTR(s) (s)
#endif
int strncmp_P(const char*, PGM_P, size_t);
int strncasecmp_P(const char*, PGM_P, size_t);
char* strncpy_P(char*, PGM_P, size_t);
size_t strlen_P(PGM_P);
int snprintf_P(char*, size_t, PGM_P, ...) __attribute__((format(printf, 3, 4)));
uint32_t millis();
void yield();
struct HardwareSerial { int available(); int read(); size_t write(const uint8_t*, size_t n); void begin(unsigned long); void swap(); size_t setRxBufferSize(size_t); };
extern HardwareSerial Serial;
struct WiFiClient { int available(); int read(); int read(uint8_t*, size_t); uint8_t connected(); size_t printf_P(PGM_P, ...) __attribute__((format(printf, 2, 3))); size_t write(const uint8_t*, size_t); void flush(); void stop(); void setNoDelay(bool); operator bool(); };
struct WiFiServer { WiFiServer(uint16_t); void begin(); WiFiClient available(); };
enum WiFiMode_t { WIFI_STA };
struct ESP8266WiFiClass { bool mode(WiFiMode_t); int begin(const char*, const char*); };
extern ESP8266WiFiClass WiFi;
#endif
