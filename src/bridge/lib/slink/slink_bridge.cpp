#include "slink_bridge.h"

#include <string.h>

namespace slink {

namespace {
const size_t kHelloOkLength = 48;
const size_t kAnnounceLength = 38;
const uint8_t kStageReceiving = 1;
const uint8_t kStageReviewing = 2;
}  // namespace

Bridge::Bridge(Port& port, uint8_t* windowBuffer, const Settings& settings)
    : port_(port), window_(windowBuffer), settings_(settings), observer_(0) {}

bool Bridge::elapsed(uint32_t since, uint32_t ms) const {
  return (uint32_t)(port_.millis() - since) >= ms;
}

void Bridge::send(uint8_t type, uint8_t flags, uint32_t transfer, uint32_t seq, const uint8_t* payload, uint16_t len) {
  size_t n = encodeFrame(type, flags, transfer, seq, payload, len, wire_);
  if (!port_.write(wire_, n)) {
    fail(SLINK_TEXT("the serial port failed while sending"));
  }
}

void Bridge::fail(const char* text) {
  if (phase_ == PH_DONE) {
    return;
  }
  result_.outcome = OUTCOME_FAILED;
  copyText(result_.message, sizeof(result_.message), text);
  phase_ = PH_DONE;
}

void Bridge::status(const char* text) {
  if (observer_) {
    char line[80];  // the observer gets RAM text, whatever the target
    copyText(line, sizeof(line), text);
    observer_->status(line);
  }
}

const Result& Bridge::submit(Source& source, uint32_t length, const uint8_t sha256[32], Observer* observer) {
  memset(&result_, 0, sizeof(result_));
  observer_ = observer;
  length_ = length;
  digest_ = sha256;
  phase_ = PH_HELLO;
  seq_ = port_.millis() * 2654435761u;  // differs between runs; only needs to differ from stale answers
  transfer_ = 0;
  chunk_ = settings_.chunk;
  win_ = settings_.window;
  total_ = 0;
  base_ = next_ = read_ = 0;
  rewoundAt_ = -1;
  haveKey_ = false;
  reviewSaid_ = false;
  lastHeard_ = lastProgress_ = nextRequestAt_ = verdictSince_ = port_.millis();
  if (length == 0 || settings_.chunk < 16 || settings_.chunk > kMaxPayload || settings_.window < 1) {
    fail(SLINK_TEXT("nothing to send, or bad bridge settings"));
    return result_;
  }

  while (phase_ != PH_DONE) {
    uint32_t now = port_.millis();
    if (elapsed(lastHeard_, settings_.giveUpMs)) {
      if (transfer_ != 0) {
        send(CANCEL, 0, transfer_, ++seq_, 0, 0);
      }
      fail(SLINK_TEXT("the signer did not answer: check the cable, the baud rate and that iotasign serial-signer runs"));
      break;
    }
    if (phase_ != PH_HELLO && elapsed(lastHeard_, settings_.reconnectMs)) {
      status(SLINK_TEXT("the signer is silent; handshaking again to resume"));
      phase_ = PH_HELLO;
      nextRequestAt_ = now;
    }
    switch (phase_) {
      case PH_HELLO:
        if ((int32_t)(now - nextRequestAt_) >= 0) {
          uint8_t v = kVersion;
          send(HELLO, 0, 0, ++seq_, &v, 1);
          nextRequestAt_ = now + settings_.requestMs;
        }
        break;
      case PH_ANNOUNCE:
        if ((int32_t)(now - nextRequestAt_) >= 0) {
          uint8_t a[kAnnounceLength];
          putU32(a, length_);
          memcpy(a + 4, digest_, 32);
          putU16(a + 36, chunk_);
          send(ANNOUNCE, kFlagResume, transfer_, ++seq_, a, sizeof(a));
          nextRequestAt_ = now + settings_.requestMs;
        }
        break;
      case PH_SEND:
        if (!sendWindow(source)) {
          continue;
        }
        break;
      case PH_VERDICT:
        if ((int32_t)(now - nextRequestAt_) >= 0) {
          send(QUERY, 0, transfer_, ++seq_, 0, 0);
          nextRequestAt_ = now + settings_.queryMs;
        }
        if (elapsed(verdictSince_, settings_.verdictTimeoutMs)) {
          fail(SLINK_TEXT("no verdict from the signer in time: ask the signing operator, then upload again"));
        }
        break;
      case PH_DONE:
        break;
    }
    if (phase_ == PH_DONE) {
      break;
    }
    int n = port_.read(rx_, sizeof(rx_), 5);
    if (n < 0) {
      fail(SLINK_TEXT("the serial port failed while receiving"));
      break;
    }
    for (int i = 0; i < n && phase_ != PH_DONE; i++) {
      if (reader_.feed(rx_[i])) {
        onFrame(reader_.frame());
      }
    }
  }
  return result_;
}

bool Bridge::sendWindow(Source& source) {
  if (elapsed(lastProgress_, settings_.retransmitMs)) {
    next_ = base_;
    lastProgress_ = port_.millis();
  }
  // The signer already holds chunks up to base_ (a partial transfer of the same blob from
  // an earlier upload): read past them in the source, sending nothing.
  while (read_ < base_ && phase_ != PH_DONE) {
    uint32_t off = read_ * (uint32_t)chunk_;
    uint16_t len = (uint16_t)(length_ - off < chunk_ ? length_ - off : chunk_);
    if (!source.read(window_ + (size_t)(read_ % win_) * chunk_, len)) {
      fail(SLINK_TEXT("the upload ended before the announced length"));
      return false;
    }
    read_++;
  }
  uint32_t limit = base_ + win_ < total_ ? base_ + win_ : total_;
  while (next_ < limit && phase_ != PH_DONE) {
    uint32_t i = next_++;
    uint8_t* slot = window_ + (size_t)(i % win_) * chunk_;
    uint32_t off = i * (uint32_t)chunk_;
    uint16_t len = (uint16_t)(length_ - off < chunk_ ? length_ - off : chunk_);
    if (i == read_) {
      // First time this chunk is needed: its slot held chunk i - window, acknowledged already.
      if (!source.read(slot, len)) {
        if (transfer_ != 0) {
          send(CANCEL, 0, transfer_, ++seq_, 0, 0);
        }
        fail(SLINK_TEXT("the upload ended before the announced length"));
        return false;
      }
      read_++;
    }
    send(DATA, 0, transfer_, i, slot, len);
  }
  return true;
}

void Bridge::toVerdictOrSend() {
  if (base_ >= total_) {
    if (phase_ != PH_VERDICT) {
      verdictSince_ = port_.millis();
    }
    phase_ = PH_VERDICT;
    nextRequestAt_ = port_.millis();
  } else {
    phase_ = PH_SEND;
  }
}

void Bridge::onFrame(const Frame& f) {
  bool reply = f.seq == seq_;
  bool ours = transfer_ != 0 && f.transfer == transfer_;
  if (!reply && !ours) {
    return;
  }
  lastHeard_ = port_.millis();
  const uint8_t* p = f.payload;
  switch (f.type) {
    case HELLO_OK: {
      if (!reply || phase_ != PH_HELLO || f.length != kHelloOkLength) {
        return;
      }
      if (p[0] != kVersion) {
        fail(SLINK_TEXT("the signer speaks another protocol version: update the bridge or the signer"));
        return;
      }
      if (p[1] == 0 || getU16(p + 2) < 16 || getU16(p + 2) > kMaxPayload) {
        fail(SLINK_TEXT("the signer announced an impossible window or chunk size"));
        return;
      }
      if (haveKey_ && memcmp(result_.signerKey, p + 8, 32) != 0) {
        fail(SLINK_TEXT("the signer's key changed during the upload"));
        return;
      }
      if (getU32(p + 4) < length_) {
        fail(SLINK_TEXT("the blob is larger than the signer accepts"));
        return;
      }
      memcpy(result_.signerKey, p + 8, 32);
      if (!haveKey_) {
        uint16_t maxChunk = getU16(p + 2);
        chunk_ = settings_.chunk < maxChunk ? settings_.chunk : maxChunk;
        win_ = settings_.window < p[1] ? settings_.window : p[1];
        total_ = (length_ + chunk_ - 1) / chunk_;
        haveKey_ = true;
        status(SLINK_TEXT("connected to the signer"));
      }
      phase_ = PH_ANNOUNCE;
      nextRequestAt_ = port_.millis();
      return;
    }
    case READY: {
      if (!reply || phase_ != PH_ANNOUNCE || f.length != 4) {
        return;
      }
      uint32_t next = getU32(p);
      // Chunks still in the window buffer: [read_ - window, read_). Earlier ones are gone.
      uint32_t oldest = read_ > win_ ? read_ - win_ : 0;
      if (next > total_ || next < oldest) {
        fail(SLINK_TEXT("the signer lost the partial transfer and the bridge no longer holds those bytes: upload again"));
        return;
      }
      if (transfer_ != 0) {
        status(SLINK_TEXT("resuming"));
      }
      transfer_ = f.transfer;
      base_ = next_ = next;
      rewoundAt_ = -1;
      lastProgress_ = port_.millis();
      toVerdictOrSend();
      return;
    }
    case ACK: {
      if (!ours || phase_ != PH_SEND) {
        return;
      }
      uint32_t acked = f.seq;
      if (acked > total_ || acked > read_) {
        return;
      }
      if (acked > base_) {
        base_ = acked;
        lastProgress_ = port_.millis();
        if (next_ < base_) {
          next_ = base_;
        }
        if (observer_) {
          uint32_t bytes = (uint32_t)((uint64_t)base_ * chunk_ < length_ ? base_ * chunk_ : length_);
          observer_->progress(bytes, length_);
        }
        toVerdictOrSend();
      } else if ((f.flags & kFlagGap) && acked == base_ && rewoundAt_ != (int64_t)base_) {
        next_ = base_;
        rewoundAt_ = base_;
      }
      return;
    }
    case PENDING: {
      if (!ours || !reply || phase_ != PH_VERDICT || f.length != 5) {
        return;
      }
      uint32_t next = getU32(p + 1);
      if (p[0] == kStageReceiving && next < total_) {
        uint32_t oldest = read_ > win_ ? read_ - win_ : 0;
        if (next < oldest) {
          fail(SLINK_TEXT("the signer is missing bytes the bridge no longer holds: upload again"));
          return;
        }
        base_ = next_ = next;
        lastProgress_ = port_.millis();
        phase_ = PH_SEND;
      } else if (p[0] == kStageReviewing && !reviewSaid_) {
        reviewSaid_ = true;
        status(SLINK_TEXT("blob received by the signer; waiting for its review"));
      }
      return;
    }
    case SIGNED: {
      if (!ours || f.length != 96) {
        return;
      }
      if (memcmp(p, digest_, 32) != 0) {
        fail(SLINK_TEXT("the signer signed a different digest: signature discarded"));
        return;
      }
      memcpy(result_.digest, p, 32);
      memcpy(result_.signature, p + 32, 64);
      result_.outcome = OUTCOME_SIGNED;
      phase_ = PH_DONE;
      return;
    }
    case REFUSED: {
      if (!(ours || (reply && phase_ == PH_ANNOUNCE)) || f.length < 33) {
        return;
      }
      memcpy(result_.digest, p, 32);
      result_.refusalCode = p[32];
      size_t n = f.length - 33;
      if (n > sizeof(result_.message) - 1) {
        n = sizeof(result_.message) - 1;
      }
      memcpy(result_.message, p + 33, n);
      result_.message[n] = 0;
      result_.outcome = OUTCOME_REFUSED;
      phase_ = PH_DONE;
      return;
    }
    case ERROR: {
      if (f.length < 1) {
        return;
      }
      uint8_t code = p[0];
      if (code == 2) {  // NO_TRANSFER: announce again; the signer says where to resume
        if (phase_ == PH_SEND || phase_ == PH_VERDICT) {
          phase_ = PH_ANNOUNCE;
          nextRequestAt_ = port_.millis();
        }
      } else if (code == 4) {  // BUSY: keep asking
        status(SLINK_TEXT("the signer is busy reviewing another blob"));
      } else {
        fail(SLINK_TEXT("signer error: "));
        size_t used = strlen(result_.message);
        size_t n = (size_t)f.length - 1;
        if (n > sizeof(result_.message) - 1 - used) {
          n = sizeof(result_.message) - 1 - used;
        }
        memcpy(result_.message + used, p + 1, n);
        result_.message[used + n] = 0;
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace slink
