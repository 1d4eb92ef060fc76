#include "client/body_checks.hpp"

#include <cctype>
#include <set>

#include <openssl/evp.h>
#include <re2/re2.h>

#include "codec/command_line.hpp"
#include "model/maildrop.hpp"
#include "util/utf8.hpp"
#include "scenario/pattern.hpp"
#include "net/transcript.hpp"

namespace pop3 {
namespace {

BodyVerdict bad(std::string message, std::string expected = {}, std::string actual = {}) {
  return {false, std::move(message), std::move(expected), std::move(actual)};
}

// Where two texts first differ, as a short escaped excerpt of each.
BodyVerdict differ(const std::string& what, std::string_view want, std::string_view got) {
  std::size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  std::size_t from = i > 40 ? i - 40 : 0;
  return bad(what + " (first difference at octet " + std::to_string(i) + "; expected " + std::to_string(want.size()) +
                 " octets, got " + std::to_string(got.size()) + ")",
             escape_bytes(want.substr(from, 120)), escape_bytes(got.substr(from, 120)));
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

BodyVerdict listing(const Response& r, bool uids, Variables& vars) {
  unsigned long previous = 0;
  std::size_t octets = 0;
  std::set<std::string> seen;
  const Body& body = r.body;
  for (std::size_t i = 0; i < body.lines(); ++i) {
    std::string line = body.wire_line(i);
    std::size_t sp = line.find(' ');
    auto number = parse_message_number(line.substr(0, sp));
    if (sp == std::string::npos || !number || *number == 0)
      return bad("malformed listing line", uids ? "n unique-id" : "n size", escape_bytes(line, 200));
    if (*number <= previous) return bad("message numbers are not ascending", "> " + std::to_string(previous), line);
    previous = *number;
    std::string value = line.substr(sp + 1);
    if (uids) {
      if (!valid_unique_id(value))
        return bad("invalid unique-id (RFC 1939 #7: 1-70 characters in 0x21-0x7E)", "unique-id", escape_bytes(value, 200));
      if (!seen.insert(value).second) return bad("unique-id is not unique", "distinct ids", value);
    } else {
      // RFC 1939 #5: "This memo makes no requirement on what follows the message size in the scan listing."
      auto size = parse_message_number(value.substr(0, value.find(' ')));
      if (!size) return bad("size is not a number", "octets", escape_bytes(value, 200));
      octets += *size;
    }
  }
  std::string prefix = uids ? "uidl." : "listing.";
  vars[prefix + "count"] = std::to_string(body.lines());
  if (!uids) vars[prefix + "octets"] = std::to_string(octets);
  return {};
}

// "body: entries N VALUE ...": the listing is these lines, in this order; a
// VALUE of {name} binds name, or must equal it when bound. Text may follow
// a value (RFC 1939 #5 allows it after a scan listing's size; 'body: uidl'
// is what holds a unique-id listing to its exact form).
BodyVerdict entries(const std::vector<std::string>& w, const Response& r, Variables& vars) {
  std::string want, got;
  for (std::size_t i = 1; i + 1 < w.size(); i += 2) want += w[i] + " " + w[i + 1] + "\r\n";
  const Body& body = r.body;
  for (std::size_t i = 0; i < body.lines() && got.size() < 4096; ++i) got += body.wire_line(i) + "\r\n";
  std::size_t expected = (w.size() - 1) / 2;
  if (body.lines() != expected)
    return bad("the listing has " + std::to_string(body.lines()) + " lines, not " + std::to_string(expected),
               want, escape_bytes(got, 400));
  for (std::size_t i = 0; i < expected; ++i) {
    Pattern p;
    try {
      p = Pattern::compile(w[1 + 2 * i] + " " + w[2 + 2 * i] + " {*}");
    } catch (const PatternError& e) {
      return bad(std::string("body: entries: ") + e.what());
    }
    if (!p.match(body.wire_line(i), vars))
      return bad("listing line " + std::to_string(i + 1) + " differs", w[1 + 2 * i] + " " + w[2 + 2 * i],
                 escape_bytes(body.wire_line(i), 200));
  }
  return {};
}

// A body too large to hold was hashed while it streamed through: it is a
// fixture message when size and SHA-256 match.
BodyVerdict streamed(const std::vector<std::string>& w, const Response& r, const Fixture& fx) {
  auto same = [&](const std::string& m) {
    if (m.size() != r.body.size()) return false;
    Body::Digest d{};
    unsigned int n = 0;
    EVP_Digest(m.data(), m.size(), d.data(), &n, EVP_sha256(), nullptr);
    return d == r.body.sha256();
  };
  std::string got = std::to_string(r.body.size()) + " octets (streamed; compared by SHA-256)";
  if (w[0] == "message") {
    std::size_t n = std::stoul(w[1]);
    if (n == 0 || n > fx.messages.size()) return bad("fixture '" + fx.name + "' has no message " + w[1]);
    if (same(fx.messages[n - 1])) return {};
    return bad("the body differs from fixture message " + w[1], std::to_string(fx.messages[n - 1].size()) + " octets", got);
  }
  for (const auto& m : fx.messages)
    if (same(m)) return {};
  return bad("the body is none of the fixture's messages", "a fixture message", got);
}

BodyVerdict fixture_body(const std::vector<std::string>& w, std::string_view text, const Fixture& fx) {
  if (w[0] == "message") {
    std::size_t n = std::stoul(w[1]);
    if (n == 0 || n > fx.messages.size()) return bad("fixture '" + fx.name + "' has no message " + w[1]);
    if (fx.messages[n - 1] != text) return differ("the body differs from fixture message " + w[1], fx.messages[n - 1], text);
    return {};
  }
  for (const auto& m : fx.messages)
    if (m == text) return {};
  const std::string* closest = &fx.messages.front();
  for (const auto& m : fx.messages)
    if (m.size() == text.size()) closest = &m;
  return differ("the body is none of the fixture's messages", *closest, text);
}

// "top N of K": exactly that message's; "top N": any message's.
BodyVerdict top_body(const std::vector<std::string>& w, std::string_view text, const Fixture& fx) {
  std::size_t n = std::stoul(w[1]);
  if (w.size() == 4) {
    std::size_t k = std::stoul(w[3]);
    if (k == 0 || k > fx.messages.size()) return bad("fixture '" + fx.name + "' has no message " + w[3]);
    std::string want = top_lines(fx.messages[k - 1], n);
    if (want != text)
      return differ("TOP " + w[1] + " is not the headers, blank line and " + w[1] + " body lines of fixture message " + w[3],
                    want, text);
    return {};
  }
  for (const auto& m : fx.messages)
    if (top_lines(m, n) == text) return {};
  // Compare with the message whose headers match, for a useful difference.
  for (const auto& m : fx.messages) {
    std::size_t h = m.find("\r\n\r\n");
    if (h != std::string::npos && text.compare(0, h, m, 0, h) == 0)
      return differ("TOP " + w[1] + " is not the headers, blank line and " + w[1] + " body lines", top_lines(m, n), text);
  }
  return bad("the body does not start with any fixture message's headers", "headers of a fixture message",
             escape_bytes(text, 200));
}

// A capability-style line: the words (after {var} substitution), alone or
// followed by arguments.
BodyVerdict has_line(const std::vector<std::string>& w, const Response& r, const Variables& vars) {
  bool has = w[0] == "has";
  std::string want;
  try {
    for (std::size_t i = 1; i < w.size(); ++i) want += (i > 1 ? " " : "") + upper(substitute(w[i], vars));
  } catch (const PatternError& e) {
    return bad(e.what());
  }
  bool found = false;
  for (std::size_t i = 0; i < r.body.lines(); ++i) {
    std::string u = upper(std::string(r.body.line(i)));
    found |= u == want || u.starts_with(want + " ");
  }
  if (found == has) return {};
  std::string all;
  for (std::size_t i = 0; i < r.body.lines() && all.size() < 4096; ++i) all += std::string(r.body.line(i)) + "; ";
  return has ? bad("no line '" + want + "' in the body", want, escape_bytes(all, 400))
             : bad("the body has a line '" + want + "'", "no line '" + want + "'", escape_bytes(all, 400));
}

// Identifies a message by its unique-id, whatever number the server gave it.
BodyVerdict uid_line(const std::vector<std::string>& w, const Response& r, Variables& vars) {
  std::string uid;
  try {
    uid = substitute(w[1], vars);
  } catch (const PatternError& e) {
    return bad(e.what());
  }
  std::string number;
  for (std::size_t i = 0; i < r.body.lines(); ++i) {
    std::string_view line = r.body.line(i);
    std::size_t sp = line.find(' ');
    if (sp != std::string_view::npos && line.substr(sp + 1) == uid) number = line.substr(0, sp);
  }
  if (w[0] == "uid" && number.empty()) return bad("the listing has no message with this unique-id", uid, "absent");
  if (w[0] == "no-uid" && !number.empty())
    return bad("the listing still has a message with this unique-id", "absent", "message " + number + " " + uid);
  if (!number.empty()) vars["uid.number"] = number;
  return {};
}

// RFC 2449 #3: capability = capa-tag *(SP param) CRLF, 512 octets at most;
// capa-tag = 1*cchar (%x21-2D / %x2F-7F: printable ASCII without "."),
// param = 1*pchar (%x21-7F).
BodyVerdict capability_lines(const Response& r) {
  auto cchar = [](unsigned char c) { return c >= 0x21 && c <= 0x7F && c != '.'; };
  auto pchar = [](unsigned char c) { return c >= 0x21 && c <= 0x7F; };
  for (std::size_t i = 0; i < r.body.lines(); ++i) {
    std::string wire = r.body.wire_line(i);
    std::string why;
    if (wire.size() + 2 > 512) why = "longer than 512 octets with its CRLF";
    std::size_t sp = wire.find(' ');
    std::string_view tag = std::string_view(wire).substr(0, sp);
    if (why.empty() && tag.empty()) why = "an empty capability tag";
    for (unsigned char c : tag)
      if (why.empty() && !cchar(c)) why = "a capability tag holds a character outside %x21-2D / %x2F-7F";
    for (std::size_t j = tag.size(); why.empty() && j < wire.size(); ++j) {
      unsigned char c = static_cast<unsigned char>(wire[j]);
      if (c == ' ' && (j + 1 == wire.size() || wire[j + 1] == ' ')) why = "an empty parameter (two spaces, or a trailing one)";
      else if (c != ' ' && !pchar(c)) why = "a parameter holds a character outside %x21-7F";
    }
    if (!why.empty())
      return bad("capability line " + std::to_string(i + 1) + ": " + why + " (RFC 2449 #3)",
                 "capa-tag *(SP param), at most 512 octets", escape_bytes(wire, 200));
  }
  return {};
}

}  // namespace

namespace {

void bind_groups(const re2::RE2& regex, std::string_view line, Variables& vars) {
  std::vector<std::string> values(static_cast<std::size_t>(regex.NumberOfCapturingGroups()));
  std::vector<re2::RE2::Arg> args(values.size());
  std::vector<re2::RE2::Arg*> ptrs;
  for (std::size_t i = 0; i < values.size(); ++i) {
    args[i] = re2::RE2::Arg(&values[i]);
    ptrs.push_back(&args[i]);
  }
  if (!re2::RE2::FullMatchN(re2::StringPiece(line.data(), line.size()), regex, ptrs.data(), static_cast<int>(ptrs.size())))
    return;
  for (const auto& [name, index] : regex.NamedCapturingGroups()) vars[name] = values[static_cast<std::size_t>(index - 1)];
}

}  // namespace

BodyVerdict check_body_lines(const re2::RE2& regex, LineRule rule, const Response& r, Variables& vars) {
  if (!r.body.held()) return bad("the body was too large to hold for a line check");
  std::string all;
  bool wanted = rule == LineRule::any;
  for (std::size_t i = 0; i < r.body.lines(); ++i) {
    std::string_view line = r.body.line(i);
    bool match = re2::RE2::FullMatch(re2::StringPiece(line.data(), line.size()), regex);
    if (rule == LineRule::every) {
      if (!match) return bad("body line " + std::to_string(i + 1) + " does not match", regex.pattern(), escape_bytes(line, 200));
      continue;
    }
    if (match && !wanted) return bad("body line " + std::to_string(i + 1) + " matches", "no line matching " + regex.pattern(),
                                     escape_bytes(line, 200));
    if (match) {
      bind_groups(regex, line, vars);
      return {};
    }
    if (all.size() < 4096) all += std::string(line) + "; ";
  }
  if (wanted) return bad("no body line matches", regex.pattern(), escape_bytes(all, 400));
  if (rule == LineRule::every && r.body.lines() == 0) return bad("the body has no line", regex.pattern(), "(empty)");
  return {};
}

BodyVerdict check_body(const std::vector<std::string>& w, const Response& r, const Fixture& fx, Variables& vars) {
  vars["body.octets"] = std::to_string(r.body.size());
  vars["body.lines"] = std::to_string(r.body.lines());
  const std::string& kind = w[0];
  if (!r.body.held() && (kind == "fixture" || kind == "message")) return streamed(w, r, fx);
  if (!r.body.held() && kind != "lines") return bad("the body (" + std::to_string(r.body.size()) +
                                                    " octets) was too large to hold for 'body: " + kind + "'");
  if (kind == "fixture" || kind == "message") return fixture_body(w, r.body.text(), fx);
  if (kind == "listing") return listing(r, false, vars);
  if (kind == "uidl") return listing(r, true, vars);
  if (kind == "entries") return entries(w, r, vars);
  if (kind == "top") return top_body(w, r.body.text(), fx);
  if (kind == "lines") {
    if (std::to_string(r.body.lines()) != w[1]) return bad("wrong number of lines", w[1], std::to_string(r.body.lines()));
    return {};
  }
  if (kind == "has" || kind == "lacks") return has_line(w, r, vars);
  if (kind == "uid" || kind == "no-uid") return uid_line(w, r, vars);
  if (kind == "capabilities") return capability_lines(r);
  if (kind == "utf8") {  // RFC 6856 #3.2: the status line's text and the body
    for (std::string_view text : {std::string_view(r.status_line), r.body.text()})
      for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
          ++i;
          continue;
        }
        std::size_t n = utf8_length(text, i);
        if (n == 0)
          return bad("octet " + std::to_string(i) + " of the " + (text.data() == r.status_line.data() ? "status line" : "body") +
                         " starts no well-formed UTF-8 sequence",
                     "UTF-8 (RFC 3629)", escape_bytes(text.substr(i > 40 ? i - 40 : 0, 120)));
        i += n;
      }
    return {};
  }
  if (kind == "ascii") {
    std::string_view text = r.body.text();
    for (std::size_t i = 0; i < text.size(); ++i)
      if (static_cast<unsigned char>(text[i]) >= 0x80)
        return bad("octet " + std::to_string(i) + " is outside ASCII", "ASCII only",
                   escape_bytes(text.substr(i > 40 ? i - 40 : 0, 120)));
    return {};
  }
  return bad("unknown body check '" + kind + "'");
}

}  // namespace pop3
