// The bridge core as the sketch (firmware/iotasign_bridge.ino) holds it: a global Bridge
// with its window buffer. Linked by scripts/bridge-chip-check into a test image for the
// ESP8266 that is never run: the link proves every symbol resolves, and the image's
// sections give what the core costs in flash and RAM.
#include "slink_bridge.h"

namespace {

class NoPort : public slink::Port {
 public:
  int read(uint8_t* buf, size_t max, uint32_t timeoutMs) override {
    (void)buf;
    (void)max;
    (void)timeoutMs;
    return -1;
  }
  bool write(const uint8_t* data, size_t len) override {
    (void)data;
    (void)len;
    return false;
  }
  uint32_t millis() override { return 0; }
};

class NoSource : public slink::Source {
 public:
  bool read(uint8_t* buf, size_t len) override {
    (void)buf;
    (void)len;
    return false;
  }
};

NoPort port;

}  // namespace

// Global names, so that the check reads their sizes with nm.
uint8_t bridgeWindow[slink::kDefaultWindow * slink::kDefaultChunk];
slink::Bridge bridge(port, bridgeWindow, slink::Settings());

// The Arduino core defines operator delete; the virtual destructors of Port and Source
// refer to it (a deleting destructor), though the core itself never deletes anything.
void operator delete(void* p, size_t n) noexcept {
  (void)p;
  (void)n;
}
void operator delete(void* p) noexcept { (void)p; }

extern "C" void chip_image_entry() {
  NoSource source;
  uint8_t sha256[32] = {0};
  bridge.submit(source, 1, sha256, 0);
}
