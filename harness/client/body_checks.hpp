#pragma once
#include <string>
#include <vector>

#include "codec/response_reader.hpp"
#include "scenario/fixture.hpp"
#include "scenario/pattern.hpp"

namespace re2 {
class RE2;
}

namespace pop3 {

struct BodyVerdict {
  bool ok = true;
  std::string message, expected, actual;
};

// The "body:" checks on a multi-line response. Messages are identified by
// content, never by position, since servers may order them differently.
//   fixture     the body is one of the fixture's messages, byte for byte
//   message N   the body is fixture message N
//   listing     "n size" lines (RFC 1939 LIST), numbers ascending; binds
//               listing.count, listing.octets
//   uidl        "n uid" lines, uids 1-70 chars in 0x21-0x7E, unique; binds uidl.count
//   top N       the headers, blank line and first N body lines of a fixture message
//   top N message K   ... of fixture message K
//   entries [N VALUE]...  the listing is exactly these lines, in order; a
//               VALUE {name} binds name, or must equal it when bound
//   lines N     exactly N lines
//   has WORD... a line equal to the words or starting with them and a space
//               (case-insensitive: CAPA tags)
//   uid ID      a listing line has unique-id ID (after {var} substitution);
//               binds uid.number
//   no-uid ID   no listing line has unique-id ID
//   capabilities  every line is a well-formed RFC 2449 capability line
//   ascii       every octet is ASCII (RFC 6856 #2.1, outside UTF-8 mode)
// Every check also binds body.octets and body.lines.
// "body: any-line RE" / "no-line RE" / "every-line RE": some line, no line,
// or every line (and at least one) of the body matches the RE2 expression
// as a whole.
enum class LineRule { any, none, every };
// any: the first matching line binds the expression's named groups in vars.
BodyVerdict check_body_lines(const re2::RE2& regex, LineRule rule, const Response& response, Variables& vars);

BodyVerdict check_body(const std::vector<std::string>& words, const Response& response, const Fixture& fixture,
                       Variables& vars);

}  // namespace pop3
