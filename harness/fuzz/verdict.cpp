#include "fuzz/verdict.hpp"

#include "codec/limits.hpp"
#include "codec/status_line.hpp"
#include "fuzz/finding.hpp"
#include "net/transcript.hpp"

namespace pop3::fuzz {

const char* to_string(Oracle o) {
  switch (o) {
    case Oracle::crash: return "crash";
    case Oracle::hang: return "hang";
    case Oracle::violation: return "violation";
  }
  return "?";
}

namespace {

Violation violation(std::string rfc, std::string rule, std::string expected, std::string actual, std::string key,
                    std::vector<std::string> requirements) {
  return {std::move(rfc), std::move(rule), std::move(expected), std::move(actual), std::move(key), std::move(requirements)};
}

Violation violation(std::string rfc, std::string rule, std::string expected, std::string actual, std::string key,
                    std::optional<Builtin> check) {
  return violation(std::move(rfc), std::move(rule), std::move(expected), std::move(actual), std::move(key),
                   check ? requirement_ids(*check) : std::vector<std::string>{});
}

}  // namespace

std::optional<Violation> judge_response(const Unit& unit, const Response& response, const oracle::Model& model,
                                        oracle::UidBook& uids) {
  std::string shown = escape_bytes(response.status_line, 200);
  if (!response.parsed)
    return violation("rfc1939#3", "a status line starts with +OK or -ERR (" + response.parse_error + ")",
                     "+OK or -ERR", shown, "malformed-status", Builtin::status_line);
  if (response.parsed->status == Status::continuation && !unit.continuation)
    return violation("rfc5034#4", "a '+ ' continuation answers only AUTH", "+OK or -ERR", shown, "stray-continuation",
                     Builtin::fuzz_continuation);
  if (response.body.unstuffed_dot_lines() > 0)
    return violation("rfc1939#3", "a body line starting with '.' is byte-stuffed", "'..' at the start of the line",
                     escape_bytes(response.body.wire_line(response.body.first_unstuffed_dot_line()), 200),
                     "unstuffed-body", Builtin::fuzz_byte_stuffing);
  if (unit.op) {
    if (response.parsed->status == Status::continuation)
      return violation("rfc1939#3", "a status line starts with +OK or -ERR", "+OK or -ERR", shown, "stray-continuation",
                       Builtin::fuzz_continuation);
    oracle::Expectation e = model.expect(*unit.op);
    // Where the RFC leaves the choice, the property test reconnects; the
    // fuzzer only takes the answer.
    if ((e.resync_on_ok && response.parsed->status == Status::ok) ||
        (e.resync_on_err && response.parsed->status == Status::err))
      return std::nullopt;
    if (auto f = oracle::judge(e, response, model, uids))
      return violation(f->rfc, f->message, f->expected, f->actual, "model:" + e.rule, f->requirements);
    return std::nullopt;
  }
  if (unit.expect == Unit::Expect::err && response.parsed->status == Status::ok)
    return violation(unit.rfc, unit.rule, "-ERR", shown, "must-err:" + unit.rule, unit.check);
  return std::nullopt;
}

std::optional<Violation> judge_first_line(std::string_view data) {
  std::size_t end = data.find("\r\n");
  if (end == std::string_view::npos) {
    if (data.size() + 2 > limits::kStatusLine)
      return violation("rfc2449#4", "a response's first line is at most 512 octets", "at most 512 octets",
                       std::to_string(data.size()) + " octets without CRLF", "status-line-too-long",
                       Builtin::status_line_length);
    return std::nullopt;  // the server closed mid-line: the hang and crash oracles judge that
  }
  if (end + 2 > limits::kStatusLine)
    return violation("rfc2449#4", "a response's first line is at most 512 octets", "at most 512 octets",
                     std::to_string(end + 2) + " octets", "status-line-too-long", Builtin::status_line_length);
  StatusLineError why;
  std::string_view line = data.substr(0, end);
  auto parsed = parse_status_line(line, &why);
  if (!parsed || parsed->status == Status::continuation)
    return violation("rfc1939#3", "a status line starts with +OK or -ERR" + (parsed ? std::string() : " (" + why.reason + ")"),
                     "+OK or -ERR", escape_bytes(line, 200), "malformed-status", Builtin::status_line);
  return std::nullopt;
}

}  // namespace pop3::fuzz
