#pragma once
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <memory>

#include "util/escape.hpp"
#include "util/secrets.hpp"

namespace pop3 {

// A byte-exact record of one connection. Every TCP read is its own event, so
// a rendering shows where reads ended. Bounded whatever the peer does: the
// first kHead events and the last kTail are kept, each up to kEventBytes
// octets, and what falls between is counted. Events are numbered from 0 in
// the order they happened (size() is the count so far).
class Transcript {
 public:
  enum class Kind { sent, received, note };
  struct Event {
    Kind kind;
    std::string bytes;    // up to kEventBytes of them
    std::size_t offset;   // octets of this direction before the event
    std::size_t length;   // the event's full length on the wire
    std::size_t seq;      // its number
    std::size_t shown;    // the full length of what is shown for it (redacted: not the wire length)
  };
  static constexpr std::size_t kHead = 64, kTail = 192, kEventBytes = 4096;

  // The secrets removed from every byte recorded, before it is stored: a
  // password the peer echoes, split across reads or not, never reaches a
  // rendering (and so no report, log or terminal).
  void set_secrets(std::shared_ptr<const Secrets> secrets) { secrets_ = std::move(secrets); }
  // Peer bytes the caller shows outside the transcript (in a message): scrubbed the same way.
  std::string scrub(std::string_view bytes) const { return secrets_ ? secrets_->scrub(bytes) : std::string(bytes); }

  // shown: what to record instead of bytes (a redacted form), if not empty.
  void sent(std::string_view bytes, std::string_view shown = {});
  void received(std::string_view bytes);
  void note(std::string_view text);

  std::size_t size() const { return total_; }
  bool truncated() const { return dropped_events_ > 0; }

  // Renders events [from, to) as "C: "/"S: " lines with control bytes escaped
  // visibly; each event at most max_event_bytes long, and at most max_events
  // of them (the first few and the last ones, the rest counted).
  std::string render(std::size_t from, std::size_t to, std::size_t max_event_bytes = 600,
                     std::size_t max_events = 16) const;

 private:
  void add(Kind kind, std::string_view bytes, std::size_t length);
  Event* last_received();
  std::vector<const Event*> kept(std::size_t from, std::size_t to) const;
  std::vector<Event> head_;
  std::deque<Event> tail_;
  std::size_t total_ = 0;
  std::size_t dropped_events_ = 0, dropped_octets_ = 0;
  std::size_t sent_total_ = 0, received_total_ = 0;
  std::shared_ptr<const Secrets> secrets_;
  std::string received_tail_;  // the last received octets, raw: a secret may continue past them
};


}  // namespace pop3
