#include "util/secrets.hpp"

#include <algorithm>
#include <functional>

#include "util/escape.hpp"

namespace pop3 {

namespace {

// Every occurrence of each needle replaced by "***", longest needles first.
// Boyer-Moore-Horspool: a megabyte of one repeated octet would make a plain
// find() compare at every position where the needle's first octet matches.
std::string replace_all(std::string text, const std::vector<std::string>& needles) {
  for (const auto& s : needles) {
    std::boyer_moore_horspool_searcher searcher(s.begin(), s.end());
    for (auto it = std::search(text.begin(), text.end(), searcher); it != text.end();) {
      std::size_t p = static_cast<std::size_t>(it - text.begin());
      text.replace(p, s.size(), "***");
      it = std::search(text.begin() + static_cast<std::ptrdiff_t>(p + 3), text.end(), searcher);
    }
  }
  return text;
}

// A cut display ends "<prefix>... (N more octets)": a prefix of a secret
// right before it is part of that secret, and is hidden.
std::string hide_cut_prefixes(std::string text, const std::vector<std::string>& secrets) {
  static constexpr std::string_view kCut = "... (";
  for (std::size_t at = text.find(kCut); at != std::string::npos; at = text.find(kCut, at + 1)) {
    for (const auto& s : secrets) {
      for (std::size_t n = std::min(s.size() - 1, at); n >= 2; --n) {
        if (std::string_view(text).substr(at - n, n) == std::string_view(s).substr(0, n)) {
          text.replace(at - n, n, "***");
          at = at - n + 3;
          break;
        }
      }
    }
  }
  return text;
}

}  // namespace

void Secrets::add(std::string secret) {
  if (secret.size() < 3 || std::find(raw_.begin(), raw_.end(), secret) != raw_.end()) return;
  std::string escaped = escape_bytes(secret);
  if (escaped != secret) escaped_.push_back(escaped);
  raw_.push_back(std::move(secret));
  auto longest_first = [](const auto& a, const auto& b) { return a.size() > b.size(); };
  std::sort(raw_.begin(), raw_.end(), longest_first);
  std::sort(escaped_.begin(), escaped_.end(), longest_first);
}

std::string Secrets::scrub(std::string_view bytes) const {
  if (raw_.empty()) return std::string(bytes);
  return replace_all(std::string(bytes), raw_);
}

std::string Secrets::scrub_text(std::string_view text) const {
  if (raw_.empty()) return std::string(text);
  std::string out = replace_all(replace_all(std::string(text), escaped_), raw_);
  std::vector<std::string> forms = raw_;
  forms.insert(forms.end(), escaped_.begin(), escaped_.end());
  return hide_cut_prefixes(std::move(out), forms);
}

std::string Secrets::scrub_continuation(std::string_view tail, std::string_view bytes, std::size_t& kept_tail) const {
  kept_tail = 0;
  if (raw_.empty()) return std::string(bytes);
  // Only an occurrence that starts in the tail and ends in the new bytes is
  // the continuation's business; the rest is scrubbed on its own.
  tail = tail.substr(tail.size() - std::min(tail.size(), longest() - 1));
  std::string joined = std::string(tail) + std::string(bytes);
  std::size_t skip = 0;  // octets of bytes that finish a secret begun in tail
  for (const auto& s : raw_) {
    for (std::size_t from = tail.size() > s.size() - 1 ? tail.size() - (s.size() - 1) : 0; from < tail.size(); ++from) {
      if (joined.compare(from, s.size(), s) != 0) continue;
      std::size_t in_tail = tail.size() - from;
      if (in_tail > kept_tail) {
        kept_tail = in_tail;
        skip = s.size() - in_tail;
      }
      break;
    }
  }
  std::string rest = replace_all(std::string(bytes.substr(skip)), raw_);
  return kept_tail ? "***" + rest : rest;
}

}  // namespace pop3
