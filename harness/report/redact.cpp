#include "report/redact.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "util/base64.hpp"

namespace pop3 {

Redactor::Redactor(const Account& account) {
  add_secret(account.pass);
  add_secret(base64_encode(std::string(1, '\0') + account.user + std::string(1, '\0') + account.pass));
}

void Redactor::add_secret(std::string secret) {
  if (secret.size() >= 3) secrets_.push_back(std::move(secret));
  std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Redactor::apply(std::string_view text) const {
  std::string out(text);
  // Boyer-Moore-Horspool: a fuzzer's megabyte of one repeated octet would
  // make a plain find() compare at every position the secret's first octet matches.
  for (const auto& s : secrets_) {
    std::boyer_moore_horspool_searcher searcher(s.begin(), s.end());
    for (auto it = std::search(out.begin(), out.end(), searcher); it != out.end();) {
      std::size_t p = static_cast<std::size_t>(it - out.begin());
      out.replace(p, s.size(), "***");
      it = std::search(out.begin() + static_cast<std::ptrdiff_t>(p + 3), out.end(), searcher);
    }
  }
  return out;
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
