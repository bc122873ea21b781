#include "slink_frame.h"

namespace slink {

uint32_t crc32(const uint8_t* data, size_t len) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < len; i++) {
    c ^= data[i];
    for (int k = 0; k < 8; k++) {
      c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
  }
  return c ^ 0xFFFFFFFFu;
}

uint32_t getU32(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint16_t getU16(const uint8_t* p) { return (uint16_t)(p[0] | (p[1] << 8)); }

void putU32(uint8_t* p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

void putU16(uint8_t* p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

size_t copyText(char* out, size_t size, const char* text) {
  if (size == 0) {
    return 0;
  }
  size_t n = 0;
  while (n + 1 < size) {
#if defined(__XTENSA__)
    // Flash: read the aligned word holding the character (little-endian byte order).
    uintptr_t at = (uintptr_t)(text + n);
    uint32_t word = *(const volatile uint32_t*)(at & ~(uintptr_t)3);
    char c = (char)(word >> (8 * (at & 3)));
#else
    char c = text[n];
#endif
    if (c == 0) {
      break;
    }
    out[n++] = c;
  }
  out[n] = 0;
  return n;
}

namespace {

// COBS-encodes the header, payload and CRC without first copying them into one buffer.
class CobsWriter {
 public:
  explicit CobsWriter(uint8_t* out) : out_(out), codeAt_(0), pos_(1), code_(1) {}
  void put(uint8_t b) {
    if (b != 0) {
      out_[pos_++] = b;
      code_++;
    }
    if (b == 0 || code_ == 0xFF) {
      out_[codeAt_] = code_;
      codeAt_ = pos_++;
      code_ = 1;
    }
  }
  size_t finish() {
    out_[codeAt_] = code_;
    return pos_;
  }

 private:
  uint8_t* out_;
  size_t codeAt_;
  size_t pos_;
  uint8_t code_;
};

}  // namespace

size_t encodeFrame(uint8_t type, uint8_t flags, uint32_t transfer, uint32_t seq, const uint8_t* payload,
                   uint16_t length, uint8_t* out) {
  if (length > kMaxPayload) {
    return 0;
  }
  uint8_t header[kHeaderLength];
  header[0] = type;
  header[1] = flags;
  putU16(header + 2, length);
  putU32(header + 4, transfer);
  putU32(header + 8, seq);
  // CRC over header then payload, computed incrementally (same result as one pass).
  uint32_t c = 0xFFFFFFFFu;
  const uint8_t* parts[2] = {header, payload};
  size_t lens[2] = {kHeaderLength, length};
  for (int p = 0; p < 2; p++) {
    for (size_t i = 0; i < lens[p]; i++) {
      c ^= parts[p][i];
      for (int k = 0; k < 8; k++) {
        c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
      }
    }
  }
  c ^= 0xFFFFFFFFu;
  uint8_t crc[4];
  putU32(crc, c);
  out[0] = 0;
  CobsWriter w(out + 1);
  for (size_t i = 0; i < kHeaderLength; i++) w.put(header[i]);
  for (size_t i = 0; i < length; i++) w.put(payload[i]);
  for (size_t i = 0; i < 4; i++) w.put(crc[i]);
  size_t n = 1 + w.finish();
  out[n++] = 0;
  return n;
}

FrameReader::FrameReader() : fill_(0), overflow_(false), discarded_(0) {
  frame_.type = 0;
  frame_.flags = 0;
  frame_.length = 0;
  frame_.transfer = 0;
  frame_.seq = 0;
  frame_.payload = decoded_ + kHeaderLength;
}

bool FrameReader::feed(uint8_t b) {
  if (b != 0) {
    if (overflow_) {
      return false;
    }
    if (fill_ == sizeof(encoded_)) {
      overflow_ = true;
      return false;
    }
    encoded_[fill_++] = b;
    return false;
  }
  bool ok = false;
  if (overflow_) {
    discarded_++;
  } else if (fill_ > 0) {
    ok = finish();
    if (!ok) {
      discarded_++;
    }
  }
  fill_ = 0;
  overflow_ = false;
  return ok;
}

bool FrameReader::finish() {
  // COBS decode.
  size_t i = 0;
  size_t o = 0;
  while (i < fill_) {
    uint8_t code = encoded_[i++];
    if (code == 0 || i + code - 1 > fill_) {
      return false;
    }
    for (uint8_t k = 1; k < code; k++) {
      if (o >= sizeof(decoded_)) {
        return false;
      }
      decoded_[o++] = encoded_[i++];
    }
    if (code != 0xFF && i < fill_) {
      if (o >= sizeof(decoded_)) {
        return false;
      }
      decoded_[o++] = 0;
    }
  }
  if (o < kHeaderLength + kCrcLength) {
    return false;
  }
  if (crc32(decoded_, o - kCrcLength) != getU32(decoded_ + o - kCrcLength)) {
    return false;
  }
  uint16_t length = getU16(decoded_ + 2);
  if (length != o - kHeaderLength - kCrcLength || length > kMaxPayload) {
    return false;
  }
  frame_.type = decoded_[0];
  frame_.flags = decoded_[1];
  frame_.length = length;
  frame_.transfer = getU32(decoded_ + 4);
  frame_.seq = getU32(decoded_ + 8);
  frame_.payload = decoded_ + kHeaderLength;
  return true;
}

}  // namespace slink
