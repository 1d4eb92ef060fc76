#pragma once
#include <string>
#include <vector>

#include "scenario/ast.hpp"

namespace pop3 {

// The words of a 'tls:' step. On error, returns false with the message and
// the index of the offending word.
bool parse_tls_action(const std::vector<std::string>& words, TlsAction& out, std::string& error, std::size_t& bad);

// The words of a 'probe:' step: plaintext-login, invalid-commands N or http-request.
bool valid_probe(const std::vector<std::string>& words, std::string& error);

}  // namespace pop3
