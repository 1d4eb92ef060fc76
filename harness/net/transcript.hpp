#pragma once
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pop3 {

// A byte-exact record of one connection. Every TCP read is its own event, so a
// rendering shows where reads ended. Secrets are replaced before they are
// stored: nothing downstream (reports, logs) can leak them.
class Transcript {
 public:
  enum class Kind { sent, received, note };
  struct Event {
    Kind kind;
    std::string bytes;
    std::size_t offset;  // octets of this direction before the event
  };

  explicit Transcript(std::size_t max_bytes = 8u << 20) : max_bytes_(max_bytes) {}

  // shown: what to record instead of bytes (a redacted form), if not empty.
  void sent(std::string_view bytes, std::string_view shown = {});
  void received(std::string_view bytes);
  void note(std::string_view text);

  const std::vector<Event>& events() const { return events_; }
  std::size_t size() const { return events_.size(); }
  bool truncated() const { return dropped_ > 0; }

  // Renders events [from, to) as "C: "/"S: " lines with control bytes escaped
  // visibly; each event at most max_event_bytes long.
  std::string render(std::size_t from, std::size_t to, std::size_t max_event_bytes = 600) const;

 private:
  void add(Kind kind, std::string_view bytes);
  std::size_t max_bytes_;
  std::size_t stored_ = 0;
  std::size_t dropped_ = 0;
  std::size_t sent_total_ = 0, received_total_ = 0;
  std::vector<Event> events_;
};

// Shows bytes with CR, LF, NUL, other control and 8-bit bytes as escapes.
std::string escape_bytes(std::string_view bytes, std::size_t max = std::string::npos);

}  // namespace pop3
