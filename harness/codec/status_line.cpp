#include "codec/status_line.hpp"

namespace pop3 {
namespace {

bool fail(StatusLineError* why, std::string reason) {
  if (why) why->reason = std::move(reason);
  return false;
}

// RFC 2449 #8: resp-code = "[" resp-level *("/" resp-level) "]", where a level
// is 1*<any CHAR except "/", "]", SP or CTL>. Anything else in brackets is
// free text: a server that does not list RESP-CODES may write "[no such
// message]", and even one that does may put brackets in its text.
void take_code(std::string_view& rest, std::string& code) {
  if (rest.empty() || rest.front() != '[') return;
  std::size_t close = rest.find(']');
  if (close == std::string_view::npos) return;
  std::string_view inside = rest.substr(1, close - 1);
  if (inside.empty() || inside.front() == '/' || inside.back() == '/' || inside.find("//") != std::string_view::npos)
    return;
  for (char c : inside) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return;
  }
  code.assign(inside);
  rest.remove_prefix(close + 1);
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
}

}  // namespace

std::optional<StatusLine> parse_status_line(std::string_view line, StatusLineError* why) {
  StatusLine out;
  std::string_view rest;
  if (line.starts_with("+OK")) {
    out.status = Status::ok;
    rest = line.substr(3);
  } else if (line.starts_with("-ERR")) {
    out.status = Status::err;
    rest = line.substr(4);
  } else if (line == "+" || line.starts_with("+ ")) {
    out.status = Status::continuation;
    out.text.assign(line.size() > 2 ? line.substr(2) : std::string_view{});
    return out;
  } else {
    fail(why, "status indicator is neither \"+OK\" nor \"-ERR\"");
    return std::nullopt;
  }
  if (!rest.empty()) {
    if (rest.front() != ' ') {
      fail(why, "status indicator is not followed by a space");
      return std::nullopt;
    }
    rest.remove_prefix(1);
    take_code(rest, out.code);
  }
  out.text.assign(rest);
  return out;
}

}  // namespace pop3
