#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/response_reader.hpp"
#include "oracle/model.hpp"
#include "scenario/ast.hpp"

namespace pop3::oracle {

struct Finding {
  Severity severity = Severity::must;
  std::string rfc;
  std::string message;  // what went wrong, with the rule it breaks
  std::string expected, actual;
  std::string transcript;   // the exchanges around it, escaped and redacted
  bool difference = false;  // differential mode: the target and the reference disagree
  std::vector<std::string> requirements;  // the catalog ids the broken rule belongs to
  bool reference_broke = false;  // a difference because the reference itself broke the model
};

// Unique-ids as the server has shown them, per fixture message: they must stay
// the same across sessions and differ between messages (RFC 1939 #7).
class UidBook {
 public:
  // Why this id for this message breaks the rule, or nothing (and learns it).
  std::optional<std::string> observe(std::size_t message, const std::string& uid);
  // "uid<k>" for an id seen before, so two servers' ids compare by message.
  std::string alias(const std::string& uid) const;

 private:
  std::map<std::size_t, std::string> by_message_;
  std::map<std::string, std::size_t> by_uid_;
};

// Checks one response against the model's expectation. The status decides
// first; then the data (counts, sizes, listings, bodies, unique-ids).
std::optional<Finding> judge(const Expectation& expected, const Response& response, const Model& model,
                             UidBook& uids);

// The response reduced to what two servers must agree on: the status and the
// data, never the free text; unique-ids by the message they belong to.
std::string observation(const Expectation& expected, const Response& response, const UidBook& uids);

}  // namespace pop3::oracle
