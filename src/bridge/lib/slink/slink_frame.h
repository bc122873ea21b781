// Serial link protocol v1 (docs/serial-link.md): framing, CRC-32 and frame parsing.
// Plain C++11 without Arduino calls, so the same code runs on the ESP8266 and on a host.
#ifndef SLINK_FRAME_H
#define SLINK_FRAME_H

#include <stddef.h>
#include <stdint.h>

namespace slink {

const uint8_t kVersion = 1;
const size_t kMaxPayload = 1024;
const size_t kHeaderLength = 12;
const size_t kCrcLength = 4;
const size_t kMaxFrame = kHeaderLength + kMaxPayload + kCrcLength;
// COBS adds one code byte per 254 bytes, plus one.
const size_t kMaxEncodedFrame = kMaxFrame + kMaxFrame / 254 + 1;
// Encoded frame plus the 0x00 delimiters before and after it.
const size_t kMaxWireFrame = kMaxEncodedFrame + 2;

enum FrameType : uint8_t {
  HELLO = 0x01,
  HELLO_OK = 0x02,
  ANNOUNCE = 0x03,
  READY = 0x04,
  DATA = 0x05,
  ACK = 0x06,
  QUERY = 0x07,
  PENDING = 0x08,
  SIGNED = 0x09,
  REFUSED = 0x0A,
  CANCEL = 0x0B,
  CANCELLED = 0x0C,
  ERROR = 0x0E,
};

const uint8_t kFlagGap = 0x01;     // ACK: a later chunk arrived first
const uint8_t kFlagResume = 0x01;  // ANNOUNCE: continue a partial transfer of the same blob

struct Frame {
  uint8_t type;
  uint8_t flags;
  uint16_t length;
  uint32_t transfer;
  uint32_t seq;
  const uint8_t* payload;  // points into the reader's buffer; valid until the next feed
};

// The core's string literals. On the ESP8266 a plain literal lands in .rodata, which the
// chip keeps in RAM; SLINK_TEXT puts it in flash instead (the section the Arduino core's
// linker script maps to flash for PSTR). Flash only answers aligned 32-bit reads, so such
// text is read only through copyText. On other targets it is a plain literal.
#if defined(__XTENSA__)
#define SLINK_STRINGIZE_(x) #x
#define SLINK_STRINGIZE(x) SLINK_STRINGIZE_(x)
#define SLINK_TEXT(s)                                                                            \
  (__extension__({                                                                               \
    static const char slink_text_[] __attribute__((aligned(4), section(                         \
        ".irom0.pstr.slink." SLINK_STRINGIZE(__LINE__) "." SLINK_STRINGIZE(__COUNTER__)))) = (s); \
    &slink_text_[0];                                                                             \
  }))
#else
#define SLINK_TEXT(s) (s)
#endif

// Copies a SLINK_TEXT (or any string) into out as a NUL-terminated string of at most
// size - 1 characters; returns its length.
size_t copyText(char* out, size_t size, const char* text);

// CRC-32 as zlib computes it (reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF).
uint32_t crc32(const uint8_t* data, size_t len);

uint32_t getU32(const uint8_t* p);
uint16_t getU16(const uint8_t* p);
void putU32(uint8_t* p, uint32_t v);
void putU16(uint8_t* p, uint16_t v);

// Encodes a frame into wire bytes (0x00, COBS(header, payload, CRC), 0x00).
// out must hold kMaxWireFrame bytes; returns the number of bytes to send.
size_t encodeFrame(uint8_t type, uint8_t flags, uint32_t transfer, uint32_t seq, const uint8_t* payload,
                   uint16_t length, uint8_t* out);

// Reassembles frames from received bytes. Memory is fixed: one encoded and one decoded
// frame. Runs longer than a frame are skipped up to the next 0x00.
class FrameReader {
 public:
  FrameReader();
  // Feeds one byte; returns true when it completed a valid frame, now in frame().
  bool feed(uint8_t b);
  const Frame& frame() const { return frame_; }
  uint32_t discarded() const { return discarded_; }

 private:
  bool finish();
  uint8_t encoded_[kMaxEncodedFrame];
  uint8_t decoded_[kMaxFrame];
  size_t fill_;
  bool overflow_;
  uint32_t discarded_;
  Frame frame_;
};

}  // namespace slink

#endif
