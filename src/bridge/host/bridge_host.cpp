// Host build of the bridge's protocol core: the same slink code as the ESP8266 sketch,
// with a POSIX serial port and a file as the upload. Used to test the core against the
// Java signer over a pseudo-terminal, and usable as a bridge on any Linux machine.
//
//   bridge_host PORT BAUD FILE SHA256HEX [WINDOW [CHUNK [RETRANSMIT_MS]]]
//
// RETRANSMIT_MS also sets the request and query intervals (fast fault tests on ptys).
//
// Prints one line on stdout: "SIGNED <digest> <signature> <signer key>" (hex) and exits 0,
// "REFUSED <code> <reason>" and exits 1, or "FAILED <reason>" and exits 3.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "slink_bridge.h"

namespace {

class PosixPort : public slink::Port {
 public:
  explicit PosixPort(int fd) : fd_(fd) {}
  int read(uint8_t* buf, size_t max, uint32_t timeoutMs) override {
    struct pollfd p;
    p.fd = fd_;
    p.events = POLLIN;
    p.revents = 0;
    int r = poll(&p, 1, (int)timeoutMs);
    if (r < 0) {
      return errno == EINTR ? 0 : -1;
    }
    if (r == 0) {
      return 0;
    }
    if (p.revents & (POLLERR | POLLNVAL)) {
      return -1;
    }
    ssize_t n = ::read(fd_, buf, max);
    if (n < 0) {
      return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
    }
    return (int)n;
  }
  bool write(const uint8_t* data, size_t len) override {
    size_t off = 0;
    while (off < len) {
      ssize_t n = ::write(fd_, data + off, len - off);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) {
          struct pollfd p = {fd_, POLLOUT, 0};
          poll(&p, 1, 100);
          continue;
        }
        return false;
      }
      off += (size_t)n;
    }
    return true;
  }
  uint32_t millis() override {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
  }

 private:
  int fd_;
};

// Reads the file in order, never all at once: as the ESP8266 reads its HTTP upload.
class FileSource : public slink::Source {
 public:
  explicit FileSource(FILE* f) : f_(f) {}
  bool read(uint8_t* buf, size_t len) override { return fread(buf, 1, len, f_) == len; }

 private:
  FILE* f_;
};

class StderrObserver : public slink::Observer {
 public:
  void progress(uint32_t acked, uint32_t total) override {
    int tenth = total ? (int)((uint64_t)acked * 10 / total) : 10;
    if (tenth != last_) {
      last_ = tenth;
      fprintf(stderr, "bridge: %d%% (%u of %u bytes)\n", tenth * 10, acked, total);
    }
  }
  void status(const char* line) override { fprintf(stderr, "bridge: %s\n", line); }

 private:
  int last_ = -1;
};

speed_t baudConstant(long baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: return 0;
  }
}

bool parseHex(const char* hex, uint8_t* out, size_t n) {
  if (strlen(hex) != 2 * n) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
      return false;
    }
    out[i] = (uint8_t)v;
  }
  return true;
}

void printHex(const uint8_t* b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    printf("%02x", b[i]);
  }
}

int failed(const char* msg) {
  printf("FAILED %s\n", msg);
  return 3;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s PORT BAUD FILE SHA256HEX [WINDOW [CHUNK [RETRANSMIT_MS]]]\n", argv[0]);
    return 2;
  }
  speed_t speed = baudConstant(atol(argv[2]));
  uint8_t digest[32];
  if (speed == 0 || !parseHex(argv[4], digest, 32)) {
    fprintf(stderr, "bad baud rate or digest (64 hex digits)\n");
    return 2;
  }
  slink::Settings settings;
  if (argc > 5) settings.window = (uint8_t)atoi(argv[5]);
  if (argc > 6) settings.chunk = (uint16_t)atoi(argv[6]);
  if (argc > 7) {
    settings.retransmitMs = (uint32_t)atol(argv[7]);
    settings.requestMs = settings.retransmitMs;
    settings.queryMs = settings.retransmitMs;
  }

  FILE* f = fopen(argv[3], "rb");
  struct stat st;
  if (!f || fstat(fileno(f), &st) != 0 || st.st_size <= 0 || st.st_size > 0xFFFFFFFFLL) {
    return failed("cannot read the blob file");
  }
  int fd = open(argv[1], O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    return failed("cannot open the serial port");
  }
  struct termios t;
  if (tcgetattr(fd, &t) == 0) {
    cfmakeraw(&t);
    cfsetispeed(&t, speed);
    cfsetospeed(&t, speed);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~(CSTOPB | CRTSCTS);
    tcsetattr(fd, TCSANOW, &t);
  }
  tcflush(fd, TCIOFLUSH);

  static uint8_t window[32 * 1024];
  if ((size_t)settings.window * settings.chunk > sizeof(window)) {
    return failed("window x chunk exceeds the buffer");
  }
  PosixPort port(fd);
  FileSource source(f);
  StderrObserver observer;
  slink::Bridge bridge(port, window, settings);
  const slink::Result& r = bridge.submit(source, (uint32_t)st.st_size, digest, &observer);
  close(fd);
  fclose(f);
  switch (r.outcome) {
    case slink::OUTCOME_SIGNED:
      printf("SIGNED ");
      printHex(r.digest, 32);
      printf(" ");
      printHex(r.signature, 64);
      printf(" ");
      printHex(r.signerKey, 32);
      printf("\n");
      return 0;
    case slink::OUTCOME_REFUSED:
      printf("REFUSED %u %s\n", r.refusalCode, r.message);
      return 1;
    default:
      return failed(r.message);
  }
}
