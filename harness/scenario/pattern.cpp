#include "scenario/pattern.hpp"

#include <cctype>

namespace pop3 {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
  return true;
}

}  // namespace

Pattern Pattern::compile(std::string_view src) {
  Pattern p;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) p.elements_.push_back({Element::Kind::literal, literal});
    literal.clear();
  };
  for (std::size_t i = 0; i < src.size(); ++i) {
    if (!p.elements_.empty() && p.elements_.back().kind != Element::Kind::literal &&
        p.elements_.back().kind != Element::Kind::token)
      throw PatternError(i, "{*} and {name*} must end the pattern");
    char c = src[i];
    if (c == '{' && i + 1 < src.size() && src[i + 1] == '{') {
      literal.push_back('{');
      ++i;
      continue;
    }
    if (c == '}' && i + 1 < src.size() && src[i + 1] == '}') {
      literal.push_back('}');
      ++i;
      continue;
    }
    if (c == '}') throw PatternError(i, "unmatched '}' (write }} for a literal brace)");
    if (c != '{') {
      literal.push_back(c);
      continue;
    }
    std::size_t close = src.find('}', i);
    if (close == std::string_view::npos) throw PatternError(i, "unterminated '{'");
    std::string_view inner = src.substr(i + 1, close - i - 1);
    if (!p.elements_.empty() && literal.empty() && p.elements_.back().kind == Element::Kind::token)
      throw PatternError(i, "two captures need literal text between them");
    if (inner == "#") {  // a literal '#', which after a space would start a comment
      literal.push_back('#');
      i = close;
      continue;
    }
    flush();
    if (inner == "*") {
      p.elements_.push_back({Element::Kind::any, ""});
    } else if (inner.ends_with('*') && valid_name(inner.substr(0, inner.size() - 1))) {
      p.elements_.push_back({Element::Kind::rest, std::string(inner.substr(0, inner.size() - 1))});
    } else if (valid_name(inner)) {
      p.elements_.push_back({Element::Kind::token, std::string(inner)});
    } else {
      throw PatternError(i + 1, "invalid capture name '" + std::string(inner) + "'");
    }
    i = close;
  }
  flush();
  return p;
}

bool Pattern::match(std::string_view line, Variables& vars) const {
  Variables bound;
  auto bind = [&](const std::string& name, std::string_view value) {
    auto it = vars.find(name);
    if (it != vars.end()) return it->second == value;
    auto [b, inserted] = bound.emplace(name, value);
    return inserted || b->second == value;
  };
  std::size_t pos = 0;
  for (std::size_t i = 0; i < elements_.size(); ++i) {
    const auto& e = elements_[i];
    bool last = i + 1 == elements_.size();
    switch (e.kind) {
      case Element::Kind::literal: {
        if (line.substr(pos).starts_with(e.text)) {
          pos += e.text.size();
          break;
        }
        // " {*}" at the end: the space and the text are both optional.
        bool optional_tail = i + 2 == elements_.size() && elements_[i + 1].kind == Element::Kind::any &&
                             e.text.ends_with(' ') &&
                             line.substr(pos) == std::string_view(e.text).substr(0, e.text.size() - 1);
        if (!optional_tail) return false;
        pos = line.size();
        ++i;
        break;
      }
      case Element::Kind::token: {
        char stop = last ? ' ' : elements_[i + 1].text.front();
        std::size_t end = pos;
        while (end < line.size() && line[end] != ' ' && line[end] != stop) ++end;
        if (end == pos || !bind(e.text, line.substr(pos, end - pos))) return false;
        pos = end;
        break;
      }
      case Element::Kind::rest:
        if (!bind(e.text, line.substr(pos))) return false;
        pos = line.size();
        break;
      case Element::Kind::any: pos = line.size(); break;
    }
  }
  if (pos != line.size()) return false;
  for (auto& [k, v] : bound) vars[k] = v;
  return true;
}

std::string substitute(std::string_view src, const Variables& vars) {
  std::string out;
  for (std::size_t i = 0; i < src.size(); ++i) {
    char c = src[i];
    if ((c == '{' || c == '}') && i + 1 < src.size() && src[i + 1] == c) {
      out.push_back(c);
      ++i;
      continue;
    }
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    std::size_t close = src.find('}', i);
    if (close == std::string_view::npos) throw PatternError(i, "unterminated '{'");
    std::string_view inner = src.substr(i + 1, close - i - 1);
    if (inner == "#") {
      out.push_back('#');
    } else if (inner.starts_with("repeat:")) {
      std::size_t colon = inner.find(':', 7);
      std::string_view count = inner.substr(7, colon == std::string_view::npos ? colon : colon - 7);
      std::size_t n = 0;
      for (char d : count) {
        if (d < '0' || d > '9') throw PatternError(i, "repeat count must be a number up to 16 Mi");
        n = n * 10 + static_cast<std::size_t>(d - '0');
        if (n > (16u << 20)) throw PatternError(i, "repeat count must be a number up to 16 Mi");
      }
      if (colon == std::string_view::npos || count.empty()) throw PatternError(i, "write {repeat:N:TEXT}");
      std::string_view text = inner.substr(colon + 1);
      constexpr std::size_t kMaxExpanded = 64u << 20;
      if (out.size() + n * text.size() > kMaxExpanded) throw PatternError(i, "expands to more than 64 MiB");
      for (std::size_t k = 0; k < n; ++k) out.append(text);
    } else {
      auto it = vars.find(inner);
      if (it == vars.end()) throw PatternError(i + 1, "unknown variable '" + std::string(inner) + "'");
      out += it->second;
    }
    i = close;
  }
  return out;
}

}  // namespace pop3

namespace pop3 {

std::vector<std::pair<std::string, std::size_t>> variables_in(std::string_view src) {
  std::vector<std::pair<std::string, std::size_t>> out;
  for (std::size_t i = 0; i < src.size(); ++i) {
    if ((src[i] == '{' || src[i] == '}') && i + 1 < src.size() && src[i + 1] == src[i]) {
      ++i;
      continue;
    }
    if (src[i] != '{') continue;
    std::size_t close = src.find('}', i);
    if (close == std::string_view::npos) break;
    std::string_view inner = src.substr(i + 1, close - i - 1);
    if (inner != "#" && !inner.starts_with("repeat:")) out.emplace_back(std::string(inner), i + 1);
    i = close;
  }
  return out;
}

}  // namespace pop3
