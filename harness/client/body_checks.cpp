#include "client/body_checks.hpp"

#include <cctype>
#include <set>

#include "codec/command_line.hpp"
#include "model/maildrop.hpp"
#include "scenario/pattern.hpp"
#include "net/transcript.hpp"

namespace pop3 {
namespace {

BodyVerdict bad(std::string message, std::string expected = {}, std::string actual = {}) {
  return {false, std::move(message), std::move(expected), std::move(actual)};
}

// Where two texts first differ, as a short escaped excerpt of each.
BodyVerdict differ(const std::string& what, const std::string& want, const std::string& got) {
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
  for (const auto& line : r.wire_lines) {
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
      auto size = parse_message_number(value);
      if (!size) return bad("size is not a number", "octets", escape_bytes(value, 200));
      octets += *size;
    }
  }
  std::string prefix = uids ? "uidl." : "listing.";
  vars[prefix + "count"] = std::to_string(r.wire_lines.size());
  if (!uids) vars[prefix + "octets"] = std::to_string(octets);
  return {};
}

// "body: entries N VALUE ...": the listing is exactly these lines; a VALUE
// of {name} binds name, or must equal it when bound.
BodyVerdict entries(const std::vector<std::string>& w, const Response& r, Variables& vars) {
  std::string want, got;
  for (std::size_t i = 1; i + 1 < w.size(); i += 2) want += w[i] + " " + w[i + 1] + "\r\n";
  for (const auto& line : r.wire_lines) got += line + "\r\n";
  std::size_t expected = (w.size() - 1) / 2;
  if (r.wire_lines.size() != expected)
    return bad("the listing has " + std::to_string(r.wire_lines.size()) + " lines, not " + std::to_string(expected),
               want, escape_bytes(got, 400));
  for (std::size_t i = 0; i < expected; ++i) {
    Pattern p;
    try {
      p = Pattern::compile(w[1 + 2 * i] + " " + w[2 + 2 * i]);
    } catch (const PatternError& e) {
      return bad(std::string("body: entries: ") + e.what());
    }
    if (!p.match(r.wire_lines[i], vars))
      return bad("listing line " + std::to_string(i + 1) + " differs", w[1 + 2 * i] + " " + w[2 + 2 * i],
                 escape_bytes(r.wire_lines[i], 200));
  }
  return {};
}

}  // namespace

BodyVerdict check_body(const std::vector<std::string>& w, const Response& r, const Fixture& fx, Variables& vars) {
  vars["body.octets"] = std::to_string(r.body.size());
  vars["body.lines"] = std::to_string(r.body_lines);
  const std::string& kind = w[0];
  if (kind == "fixture") {
    for (const auto& m : fx.messages)
      if (m == r.body) return {};
    const std::string* closest = &fx.messages.front();
    for (const auto& m : fx.messages)
      if (m.size() == r.body.size()) closest = &m;
    return differ("the body is none of the fixture's messages", *closest, r.body);
  }
  if (kind == "message") {
    std::size_t n = std::stoul(w[1]);
    if (n == 0 || n > fx.messages.size()) return bad("fixture '" + fx.name + "' has no message " + w[1]);
    if (fx.messages[n - 1] != r.body) return differ("the body differs from fixture message " + w[1], fx.messages[n - 1], r.body);
    return {};
  }
  if (kind == "listing") return listing(r, false, vars);
  if (kind == "uidl") return listing(r, true, vars);
  if (kind == "top" && w.size() == 4) {
    std::size_t n = std::stoul(w[1]), k = std::stoul(w[3]);
    if (k == 0 || k > fx.messages.size()) return bad("fixture '" + fx.name + "' has no message " + w[3]);
    std::string want = top_lines(fx.messages[k - 1], n);
    if (want != r.body)
      return differ("TOP " + w[1] + " is not the headers, blank line and " + w[1] + " body lines of fixture message " + w[3],
                    want, r.body);
    return {};
  }
  if (kind == "entries") return entries(w, r, vars);
  if (kind == "top") {
    std::size_t n = std::stoul(w[1]);
    for (const auto& m : fx.messages)
      if (top_lines(m, n) == r.body) return {};
    // Compare with the message whose headers match, for a useful difference.
    for (const auto& m : fx.messages) {
      std::size_t h = m.find("\r\n\r\n");
      if (h != std::string::npos && r.body.compare(0, h, m, 0, h) == 0)
        return differ("TOP " + w[1] + " is not the headers, blank line and " + w[1] + " body lines", top_lines(m, n), r.body);
    }
    return bad("the body does not start with any fixture message's headers", "headers of a fixture message",
               escape_bytes(r.body, 200));
  }
  if (kind == "lines") {
    if (std::to_string(r.body_lines) != w[1]) return bad("wrong number of lines", w[1], std::to_string(r.body_lines));
    return {};
  }
  if (kind == "has" || kind == "lacks") {
    // A capability-style line: the words, alone or followed by arguments.
    std::string want;
    for (std::size_t i = 1; i < w.size(); ++i) want += (i > 1 ? " " : "") + upper(w[i]);
    bool found = false;
    for (const auto& line : r.wire_lines) {
      std::string u = upper(line);
      found |= u == want || u.starts_with(want + " ");
    }
    if (found == (kind == "has")) return {};
    std::string all;
    for (const auto& line : r.wire_lines) all += line + "; ";
    return kind == "has" ? bad("no line '" + want + "' in the body", want, escape_bytes(all, 400))
                         : bad("the body has a line '" + want + "'", "no line '" + want + "'", escape_bytes(all, 400));
  }
  if (kind == "uid" || kind == "no-uid") {
    // Identifies a message by its unique-id, whatever number the server gave it.
    std::string uid;
    try {
      uid = substitute(w[1], vars);
    } catch (const PatternError& e) {
      return bad(e.what());
    }
    std::string number;
    for (const auto& line : r.wire_lines) {
      std::size_t sp = line.find(' ');
      if (sp != std::string::npos && line.substr(sp + 1) == uid) number = line.substr(0, sp);
    }
    if (kind == "uid" && number.empty()) return bad("the listing has no message with this unique-id", uid, "absent");
    if (kind == "no-uid" && !number.empty())
      return bad("the listing still has a message with this unique-id", "absent", "message " + number + " " + uid);
    if (!number.empty()) vars["uid.number"] = number;
    return {};
  }
  return bad("unknown body check '" + kind + "'");
}

}  // namespace pop3
