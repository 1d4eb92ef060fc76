#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "client/account.hpp"

namespace pop3 {

// Keeps credentials out of transcripts, reports and logs: PASS arguments,
// APOP digests, AUTH data and the account's password wherever it appears.
class Redactor {
 public:
  Redactor() = default;
  explicit Redactor(const Account& account);
  void add_secret(std::string secret);

  std::string apply(std::string_view text) const;
  // The form of a client command line that may be recorded.
  std::string command(std::string_view line) const;

 private:
  std::vector<std::string> secrets_;
};

}  // namespace pop3
