#include "net/transcript.hpp"

namespace pop3 {

void Transcript::add(Kind kind, std::string_view bytes, std::size_t length) {
  std::size_t& total = kind == Kind::sent ? sent_total_ : received_total_;
  std::size_t offset = total;
  if (kind != Kind::note) total += length;
  Event e{kind, std::string(bytes.substr(0, kEventBytes)), offset, length, total_++, bytes.size()};
  if (head_.size() < kHead) {
    head_.push_back(std::move(e));
    return;
  }
  tail_.push_back(std::move(e));
  if (tail_.size() > kTail) {
    ++dropped_events_;
    dropped_octets_ += tail_.front().length;
    tail_.pop_front();
  }
}

Transcript::Event* Transcript::last_received() {
  for (auto it = tail_.rbegin(); it != tail_.rend(); ++it)
    if (it->kind == Kind::received) return &*it;
  for (auto it = head_.rbegin(); it != head_.rend(); ++it)
    if (it->kind == Kind::received) return &*it;
  return nullptr;
}

void Transcript::sent(std::string_view bytes, std::string_view shown) {
  std::string_view what = shown.empty() ? bytes : shown;
  add(Kind::sent, secrets_ ? secrets_->scrub(what) : std::string(what), bytes.size());
}

void Transcript::received(std::string_view bytes) {
  if (!secrets_ || secrets_->empty()) {
    add(Kind::received, bytes, bytes.size());
    return;
  }
  std::size_t kept = 0;
  std::string clean = secrets_->scrub_continuation(received_tail_, bytes, kept);
  if (kept > 0) {
    // The secret began in the previous read: its first octets leave that event.
    if (Event* prev = last_received()) {
      std::size_t from = prev->length - std::min(prev->length, kept);
      if (prev->bytes.size() > from) prev->bytes.resize(from);
      prev->shown = std::min(prev->shown, from);
    }
  }
  received_tail_ += bytes;
  std::size_t keep = secrets_->longest();
  if (received_tail_.size() > keep) received_tail_.erase(0, received_tail_.size() - keep);
  add(Kind::received, clean, bytes.size());
}

void Transcript::note(std::string_view text) { add(Kind::note, text, text.size()); }

std::vector<const Transcript::Event*> Transcript::kept(std::size_t from, std::size_t to) const {
  std::vector<const Event*> out;
  for (const auto& e : head_)
    if (e.seq >= from && e.seq < to) out.push_back(&e);
  for (const auto& e : tail_)
    if (e.seq >= from && e.seq < to) out.push_back(&e);
  return out;
}

std::string Transcript::render(std::size_t from, std::size_t to, std::size_t max_event_bytes,
                               std::size_t max_events) const {
  std::string out;
  auto events = kept(from, std::min(to, total_));
  std::size_t first = max_events / 4, last = max_events - first;
  std::size_t previous = from;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = *events[i];
    if (events.size() > max_events && i == first) {
      std::size_t skip_to = events[events.size() - last]->seq;
      out += "   -- (" + std::to_string(skip_to - e.seq) + " events not shown)\n";
      i = events.size() - last - 1;
      previous = skip_to;
      continue;
    }
    if (e.seq > previous && i > 0)
      out += "   -- (" + std::to_string(e.seq - previous) + " events not kept)\n";
    previous = e.seq + 1;
    if (e.kind == Kind::note) {
      out += "   -- " + e.bytes + "\n";
      continue;
    }
    // One "C:"/"S:" line per write or TCP read; lines inside it are indented.
    // Counted on what is shown, not on the wire: a redacted password must not
    // show through as a count of "more octets".
    std::size_t shown = std::min(e.bytes.size(), max_event_bytes);
    std::string text = escape_bytes(std::string_view(e.bytes).substr(0, shown));
    if (e.shown > shown) text += "... (" + std::to_string(e.shown - shown) + " more octets)";
    std::string prefix = e.kind == Kind::sent ? "C: " : "S: ";
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t nl = text.find("\\n", start);
      std::size_t end = nl == std::string::npos ? text.size() : nl + 2;
      out += prefix + text.substr(start, end - start) + "\n";
      prefix = "   ";
      start = end;
    }
    if (text.empty()) out += prefix + "(empty)\n";
  }
  return out;
}

}  // namespace pop3
