#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "requirements/builtin_checks.hpp"
#include "oracle/op.hpp"

namespace pop3::fuzz {

// Where a case starts: a fresh session before login, or a logged-in one
// (both after STLS when the campaign runs with --tls stls).
enum class Phase { authorization, transaction };

// One command line (or a line's worth of hostile bytes) and how its answer is judged.
struct Unit {
  std::string bytes;  // exactly what is sent
  // The model knows this command: its answer is judged like the property
  // test's (status, counts, sizes, listings, bodies, unique-ids).
  std::optional<oracle::Op> op;
  // Otherwise: what a conformant server must answer, with the rule.
  enum class Expect { any, err } expect = Expect::any;
  std::string rule, rfc;
  std::optional<Builtin> check;  // the declared oracle the rule belongs to, for its requirement ids
  bool multiline_if_ok = false;
  bool continuation = false;     // AUTH: a "+ " challenge may come instead of a status
  bool secret = false;           // PASS, APOP, AUTH data: never shown
  // A command the model cannot predict that, answered +OK, has this effect
  // (e.g. "DELE 1 x" taken as DELE 1).
  std::optional<oracle::Op> effect_if_ok;
};

// How the case's bytes go on the wire.
enum class Delivery {
  whole,     // each unit in one write, answer awaited before the next
  bytewise,  // one octet per write
  burst,     // every unit in one write (pipelining), then every answer
  closing,   // bytes that may leave the session in an unknown state: sent on
             // a session of their own, which then ends with RSET and QUIT
  half_close // the unit, then the client shuts its sending side
};

struct Case {
  std::uint64_t index = 0;
  Phase phase = Phase::transaction;
  Delivery delivery = Delivery::whole;
  std::vector<Unit> units;
  std::string mutation;  // the mutation's family, e.g. "number:-1", "long-arg:65536", "nul"
  std::string keyword;   // the command it was applied to
};

const char* to_string(Delivery d);
const char* to_string(Phase p);

}  // namespace pop3::fuzz
