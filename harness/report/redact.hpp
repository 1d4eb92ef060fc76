#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "util/secrets.hpp"

namespace pop3 {

// Keeps credentials out of transcripts, reports and logs: PASS arguments,
// APOP digests, AUTH data and the secrets it is given wherever they appear,
// escaped or cut short. The same secrets go to every connection's transcript
// (secrets()), which removes them from the bytes at the source.
class Redactor {
 public:
  Redactor() = default;
  // The password and the SASL PLAIN responses of a login (with and without
  // an authorization identity).
  static Redactor for_login(std::string_view user, std::string_view pass);
  void add_login(std::string_view user, std::string_view pass);
  void add_secret(std::string secret);

  std::string apply(std::string_view text) const { return secrets_->scrub_text(text); }
  // The form of a client command line that may be recorded.
  std::string command(std::string_view line) const;
  std::shared_ptr<const Secrets> secrets() const { return secrets_; }

 private:
  std::shared_ptr<Secrets> secrets_ = std::make_shared<Secrets>();
};

}  // namespace pop3
