#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace pop3 {

// The secrets of a run (a password, the SASL PLAIN forms of a login) and their
// removal: from raw bytes before anything renders them, so that neither an
// escaping (a backslash shown as \\) nor a cut (a display limit, a TCP read
// boundary) can show any of one. Each occurrence becomes "***".
class Secrets {
 public:
  void add(std::string secret);  // shorter than 3 octets: ignored (it would hide too much)
  bool empty() const { return raw_.empty(); }
  std::size_t longest() const { return raw_.empty() ? 0 : raw_.front().size(); }

  // Raw bytes, every occurrence replaced.
  std::string scrub(std::string_view bytes) const;
  // Text that may hold secrets already escaped (escape_bytes) or cut short
  // ("hun... (4 more octets)"): both forms replaced too.
  std::string scrub_text(std::string_view text) const;

  // Scrubs what arrived next in a stream whose previous part ended with
  // tail: a secret that spans the boundary is found. Returns the new part
  // scrubbed; kept_tail is how many of tail's last octets belong to an
  // occurrence that began there (the caller replaces them with nothing:
  // the "***" is in the returned part).
  std::string scrub_continuation(std::string_view tail, std::string_view bytes, std::size_t& kept_tail) const;

 private:
  std::vector<std::string> raw_;      // longest first
  std::vector<std::string> escaped_;  // their escape_bytes() forms, where those differ
};

}  // namespace pop3
