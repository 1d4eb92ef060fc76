#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pop3 {

// The SASL PLAIN messages (RFC 4616 #2, base64) a scenario can send with the
// account's credentials, by variable name: "plain" logs in; the others carry
// the right password yet must be refused: another authorization identity,
// one that SASLprep maps to nothing (U+00AD), an empty authentication
// identity (the name moved to the authzid), a password followed by NUL and
// more. The redactor hides every one of them.
std::vector<std::pair<std::string, std::string>> sasl_plain_messages(std::string_view user, std::string_view pass);

}  // namespace pop3
