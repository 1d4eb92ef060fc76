// Client bytes into the reference server's framing and state machine, as the
// server reads them: lines of at most 255 octets, the rest answered as too
// long. Every command gets exactly one well-formed reply: a status line
// within 512 octets, and after +OK to a multi-line command a dot-stuffed body
// with its terminator.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "codec/command_line.hpp"
#include "codec/limits.hpp"
#include "codec/line_framer.hpp"
#include "codec/status_line.hpp"
#include "model/session.hpp"

namespace {

class Store : public pop3::MaildropStore {
 public:
  std::optional<std::string> secret(std::string_view user) override {
    if (user == "alice") return std::string("secret");
    return std::nullopt;
  }
  Open open(std::string_view user, pop3::Maildrop& out) override {
    if (!locked.insert(std::string(user)).second) return Open::in_use;
    out = pop3::Maildrop({{"Subject: a\r\n\r\nbody\r\n.dot\r\n", "uid-1"}, {"Subject: b\r\n\r\nl1\r\nl2\r\n", "uid-2"}});
    return Open::ok;
  }
  bool commit(std::string_view, const std::vector<std::string>&) override { return true; }
  void release(std::string_view user) override { locked.erase(std::string(user)); }
  std::set<std::string> locked;
};

void check_reply(const std::string& bytes) {
  if (bytes.size() < 2 || !bytes.ends_with("\r\n")) std::abort();
  std::size_t first_end = bytes.find("\r\n");
  if (first_end + 2 > pop3::limits::kStatusLine) std::abort();
  auto status = pop3::parse_status_line(std::string_view(bytes).substr(0, first_end));
  if (!status) std::abort();
  if (first_end + 2 == bytes.size()) return;
  // More than one line: a multi-line +OK answer, terminated, every line stuffed.
  if (status->status != pop3::Status::ok || !bytes.ends_with("\r\n.\r\n")) std::abort();
  std::size_t pos = first_end + 2;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find("\r\n", pos);
    std::string_view line(bytes.data() + pos, end - pos);
    bool last = end + 2 == bytes.size();
    if (line.starts_with(".") && !(last && line == ".") && !line.starts_with("..")) std::abort();
    if (line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos) std::abort();
    pos = end + 2;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Store store;
  pop3::SessionConfig config;
  config.apop_timestamp = "<1.2@fuzz>";
  config.stls_offered = size > 0 && (data[0] & 1);
  pop3::Session session(config, store);
  check_reply(session.greeting());
  pop3::LineFramer framer;
  framer.feed(std::string_view(reinterpret_cast<const char*>(data), size));
  for (;;) {
    auto line = framer.next_line(pop3::limits::kCommandLine);
    if (line) {
      pop3::Reply reply = session.handle(*line);
      // A SASL challenge is "+ " and its data; everything else a status line.
      if (!reply.bytes.starts_with("+ ")) check_reply(reply.bytes);
      else if (!reply.bytes.ends_with("\r\n")) std::abort();
      if (reply.close) break;
      if (reply.start_tls) session.tls_started();
      continue;
    }
    if (framer.error() == pop3::LineFramer::Error::none) break;
    check_reply(session.line_too_long().bytes);
    framer.discard_line();
  }
  session.connection_lost();
  return 0;
}
