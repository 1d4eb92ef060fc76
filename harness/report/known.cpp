#include "report/known.hpp"

#include <fnmatch.h>

namespace pop3 {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string first_link(const std::string& reason) {
  for (const char* scheme : {"https://", "http://"}) {
    auto at = reason.find(scheme);
    if (at == std::string::npos) continue;
    auto end = reason.find_first_of(" \t)>,", at);
    std::string link = reason.substr(at, end == std::string::npos ? std::string::npos : end - at);
    while (!link.empty() && (link.back() == '.' || link.back() == ';')) link.pop_back();
    return link;
  }
  return {};
}

}  // namespace

const KnownDeviation* KnownList::match(const std::string& id) const {
  for (const auto& e : entries)
    if (e.pattern == id || fnmatch(e.pattern.c_str(), id.c_str(), 0) == 0) return &e;
  return nullptr;
}

KnownList parse_known(std::string_view text, const std::string& file) {
  KnownList list{file, {}};
  std::string paragraph;  // the comment lines since the last blank line or bare '#'
  int number = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = trimmed(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    if (line.starts_with('#')) {
      std::string_view comment = trimmed(line.substr(1));
      if (comment.empty()) paragraph.clear();
      else paragraph += (paragraph.empty() ? "" : " ") + std::string(comment);
      continue;
    }
    if (line.empty()) {
      paragraph.clear();
      continue;
    }
    auto space = line.find_first_of(" \t");
    KnownDeviation e;
    e.pattern = std::string(line.substr(0, space));
    e.line = number;
    std::string_view inline_reason = space == std::string_view::npos ? "" : trimmed(line.substr(space));
    if (inline_reason.starts_with('#')) inline_reason = trimmed(inline_reason.substr(1));
    e.reason = !inline_reason.empty() ? std::string(inline_reason)
               : !paragraph.empty()   ? paragraph
                                      : "listed in " + file + ":" + std::to_string(number);
    e.link = first_link(e.reason);
    list.entries.push_back(std::move(e));
  }
  return list;
}

}  // namespace pop3
