#include "util/sasl_plain.hpp"

#include "util/base64.hpp"

namespace pop3 {

std::vector<std::pair<std::string, std::string>> sasl_plain_messages(std::string_view user, std::string_view pass) {
  const std::string nul(1, '\0'), u(user), p(pass);
  const std::string other = u == "postmaster" ? "root" : "postmaster";
  return {
      {"plain", base64_encode(nul + u + nul + p)},
      {"plain.as-postmaster", base64_encode(other + nul + u + nul + p)},
      {"plain.authzid-soft-hyphen", base64_encode("\xC2\xAD" + nul + u + nul + p)},
      {"plain.empty-authcid", base64_encode(u + nul + nul + p)},
      {"plain.nul-in-password", base64_encode(nul + u + nul + p + nul + "x")},
      {"plain.empty-password", base64_encode(nul + u + nul)},
  };
}

}  // namespace pop3
