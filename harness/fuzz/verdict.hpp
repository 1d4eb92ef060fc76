#pragma once
#include <optional>
#include <string>
#include <vector>

#include "codec/response_reader.hpp"
#include "fuzz/case.hpp"
#include "oracle/judge.hpp"
#include "oracle/model.hpp"

namespace pop3::fuzz {

struct Violation {
  std::string rfc, rule, expected, actual;
  std::string key;  // the rule, short, for the finding's signature
  std::vector<std::string> requirements;  // the catalog ids of the rule
};

// The protocol-violation oracle for one unit's complete response: the status
// line's syntax, byte-stuffing of a multi-line body, and what the model (or
// the unit's own rule) says a conformant server answers. Pure.
std::optional<Violation> judge_response(const Unit& unit, const Response& response, const oracle::Model& model,
                                        oracle::UidBook& uids);

// The first line of whatever a server sent to hostile bytes must at least be
// a status line within the RFC 2449 limit.
std::optional<Violation> judge_first_line(std::string_view data);

}  // namespace pop3::fuzz
