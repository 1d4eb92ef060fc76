#pragma once
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pop3 {

// Whether a 'requires:' tag names something a server can advertise: a
// capability of the IANA POP3 registry (RFC 2449, 2595, 3206, 6856), an
// X- experimental one, APOP (a greeting timestamp) or SASL:MECHANISM.
bool known_capability(std::string_view tag);
const std::vector<std::string>& registered_capabilities();

// The candidate closest to name (case-insensitive edit distance at most 2,
// or a third of its length), for "did you mean ...?".
std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates);

// The variables a scenario can use at a point of its steps: those every
// scenario starts with, the ones steps provide (body:, tls:) and the
// captures of the steps before. A name outside them is a typo.
class Bindings {
 public:
  Bindings();
  bool has(const std::string& name) const;
  void bind(const std::string& name) { bound_.insert(name); }
  // What a 'body:' check of this kind sets ("listing" -> listing.count ...).
  void after_body(std::string_view kind);
  void after_tls();
  std::string did_you_mean(const std::string& name) const;

 private:
  std::set<std::string> bound_;
};

}  // namespace pop3
