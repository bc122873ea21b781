// The bridge end of serial link protocol v1 (docs/serial-link.md): streams one blob to
// the signer and returns its verdict. Plain C++11 without Arduino calls.
//
// Memory: the caller provides the window buffer (window x chunk bytes: the only copy of
// blob data the bridge keeps, for retransmission); the Bridge itself is about 3.8 KiB,
// mostly frame buffers (scripts/bridge-chip-check measures it on the ESP8266).
#ifndef SLINK_BRIDGE_H
#define SLINK_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include "slink_frame.h"

namespace slink {

// The UART (or any byte link) towards the signer.
class Port {
 public:
  virtual ~Port() {}
  // Waits up to timeoutMs for bytes; returns how many were read, 0 on timeout, -1 if the port failed.
  virtual int read(uint8_t* buf, size_t max, uint32_t timeoutMs) = 0;
  virtual bool write(const uint8_t* data, size_t len) = 0;
  // A millisecond clock (wrapping is handled).
  virtual uint32_t millis() = 0;
};

// Where the blob comes from, in order: an HTTP upload, a file.
class Source {
 public:
  virtual ~Source() {}
  // Reads exactly len bytes; returns false if the source ended or failed.
  virtual bool read(uint8_t* buf, size_t len) = 0;
};

class Observer {
 public:
  virtual ~Observer() {}
  virtual void progress(uint32_t ackedBytes, uint32_t totalBytes) { (void)ackedBytes; (void)totalBytes; }
  virtual void status(const char* line) { (void)line; }
};

// The default window and chunk, as constants so that a sketch can size its window
// buffer (kDefaultWindow * kDefaultChunk bytes) at compile time.
const uint8_t kDefaultWindow = 4;
const uint16_t kDefaultChunk = 1024;

struct Settings {
  uint8_t window;
  uint16_t chunk;
  uint32_t retransmitMs;
  uint32_t requestMs;
  uint32_t queryMs;
  uint32_t reconnectMs;
  uint32_t giveUpMs;
  uint32_t verdictTimeoutMs;
  Settings()
      : window(kDefaultWindow), chunk(kDefaultChunk), retransmitMs(500), requestMs(300), queryMs(500), reconnectMs(3000),
        giveUpMs(30000), verdictTimeoutMs(900000) {}
};

enum Outcome { OUTCOME_SIGNED, OUTCOME_REFUSED, OUTCOME_FAILED };

struct Result {
  Outcome outcome;
  uint8_t digest[32];     // the signer's own digest (SIGNED, and REFUSED when it had all bytes)
  uint8_t signature[64];  // SIGNED only
  uint8_t signerKey[32];  // from the handshake
  uint8_t refusalCode;    // REFUSED only (docs/serial-link.md, "Refusal codes")
  char message[200];      // REFUSED: the signer's reason; FAILED: what went wrong
};

class Bridge {
 public:
  // windowBuffer must hold settings.window * settings.chunk bytes.
  Bridge(Port& port, uint8_t* windowBuffer, const Settings& settings);
  // Sends length bytes from source, announced with their SHA-256. The signature (if any)
  // is not checked here: the uploader verifies it against the signer key. The result lives
  // in the Bridge until the next submit (no 300-byte copy on the ESP8266's small stack).
  const Result& submit(Source& source, uint32_t length, const uint8_t sha256[32], Observer* observer);

 private:
  enum Phase { PH_HELLO, PH_ANNOUNCE, PH_SEND, PH_VERDICT, PH_DONE };
  void send(uint8_t type, uint8_t flags, uint32_t transfer, uint32_t seq, const uint8_t* payload, uint16_t len);
  bool sendWindow(Source& source);
  void onFrame(const Frame& f);
  // Both take a SLINK_TEXT (flash on the ESP8266).
  void fail(const char* text);
  void status(const char* text);
  bool elapsed(uint32_t since, uint32_t ms) const;
  void toVerdictOrSend();

  Port& port_;
  uint8_t* window_;
  Settings settings_;
  FrameReader reader_;
  uint8_t wire_[kMaxWireFrame];
  uint8_t rx_[256];

  Observer* observer_;
  Result result_;
  Phase phase_;
  uint32_t length_;
  const uint8_t* digest_;
  uint32_t seq_;
  uint32_t transfer_;
  uint16_t chunk_;
  uint8_t win_;
  uint32_t total_;
  uint32_t base_;
  uint32_t next_;
  uint32_t read_;  // chunks pulled from the source so far
  int64_t rewoundAt_;
  bool haveKey_;
  bool reviewSaid_;
  uint32_t lastHeard_;
  uint32_t lastProgress_;
  uint32_t nextRequestAt_;
  uint32_t verdictSince_;
};

}  // namespace slink

#endif
