#include <cctype>

#include "client/target.hpp"
#include "net/transcript.hpp"

namespace pop3 {

namespace {

std::string upper(std::string_view w) {
  std::string out(w);
  for (auto& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

}  // namespace

void Capabilities::add(std::string tag) {
  if (tags.size() >= kMaxTags && !tags.contains(tag)) {
    ++dropped;
    return;
  }
  tags.insert(std::move(tag));
}

void Capabilities::read_capa(const Body& listing) {
  for (std::size_t i = 0; i < listing.lines(); ++i) {
    std::string_view line = listing.line(i);
    std::string tag = upper(line.substr(0, std::min<std::size_t>(line.find(' '), 64)));
    add(tag);
    if (tag == "EXPIRE" && line.size() > 7) {
      // "EXPIRE 0", "EXPIRE 0 USER", "EXPIRE NEVER": the policy, as EXPIRE:<days> (RFC 2449 #6.7).
      std::string_view arg = line.substr(7);
      add("EXPIRE:" + upper(arg.substr(0, std::min<std::size_t>(arg.find(' '), 16))));
    }
    if (tag != "SASL") continue;
    std::string_view rest = line.size() > 5 ? line.substr(5) : std::string_view{};
    for (std::size_t p = 0; p < rest.size();) {
      std::size_t q = rest.find(' ', p);
      std::string mech = upper(rest.substr(p, q == std::string_view::npos ? std::min<std::size_t>(rest.size() - p, 64) : q - p));
      if (!mech.empty()) add("SASL:" + mech);
      p = q == std::string_view::npos ? rest.size() : q + 1;
    }
  }
}

std::string Capabilities::describe() const {
  if (!capa_supported) return "(CAPA not supported)";
  std::string list;
  for (const auto& t : tags) {
    if (list.size() > 2000) {
      list += " ...";
      break;
    }
    // Capability names come from the server: escaped, never raw (ESC, BEL, NUL).
    list += (list.empty() ? "" : " ") + escape_bytes(t, 80);
  }
  if (dropped) list += " (and " + std::to_string(dropped) + " more not kept)";
  return list;
}

}  // namespace pop3
