#include "codec/multiline.hpp"

namespace pop3 {

std::string dot_stuff(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 64 + 8);
  bool at_line_start = true;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (at_line_start && c == '.') out.push_back('.');
    out.push_back(c);
    at_line_start = (c == '\n' && i > 0 && body[i - 1] == '\r');
  }
  if (!body.empty() && !body.ends_with("\r\n")) out.append("\r\n");
  out.append(".\r\n");
  return out;
}

MultilineDecoder::Step MultilineDecoder::add_line(std::string_view wire_line) {
  if (wire_line == ".") return Step::done;
  if (wire_line.starts_with('.')) wire_line.remove_prefix(1);
  if (body_.size() + wire_line.size() + 2 > max_body_) return Step::too_large;
  body_.append(wire_line);
  body_.append("\r\n");
  ++lines_;
  return Step::more;
}

}  // namespace pop3
