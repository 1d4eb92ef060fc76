#include "report/redact.hpp"

#include <algorithm>
#include <cctype>

#include "util/base64.hpp"
#include "util/sasl_plain.hpp"

namespace pop3 {

Redactor Redactor::for_login(std::string_view user, std::string_view pass) {
  Redactor r;
  r.add_login(user, pass);
  return r;
}

void Redactor::add_login(std::string_view user, std::string_view pass) {
  std::string u(user), p(pass);
  add_secret(p);
  for (auto& [name, message] : sasl_plain_messages(user, pass)) add_secret(message);
  add_secret(base64_encode(u + std::string(1, '\0') + u + std::string(1, '\0') + p));
}

void Redactor::add_secret(std::string secret) {
  // Copies share their secrets; one that learns another makes its own list first.
  if (secrets_.use_count() > 1) secrets_ = std::make_shared<Secrets>(*secrets_);
  secrets_->add(std::move(secret));
}

std::string Redactor::command(std::string_view line) const {
  std::string upper;
  for (char c : line.substr(0, 5)) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  auto keep_words = [&](std::size_t words) {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < words && pos != std::string_view::npos; ++i) {
      pos = line.find(' ', pos);
      if (pos != std::string_view::npos) ++pos;
    }
    if (pos == std::string_view::npos || pos >= line.size()) return apply(line);
    std::string_view tail = line.substr(pos);
    std::size_t crlf = tail.find("\r\n");
    return apply(line.substr(0, pos)) + "***" + (crlf == std::string_view::npos ? "" : std::string(tail.substr(crlf)));
  };
  if (upper.starts_with("PASS ")) return keep_words(1);
  if (upper.starts_with("APOP ")) return keep_words(2);
  if (upper.starts_with("AUTH ")) return keep_words(2);
  return apply(line);
}

}  // namespace pop3
