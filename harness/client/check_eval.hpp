#pragma once
#include <string>
#include <vector>

#include "client/step_outcome.hpp"
#include "scenario/ast.hpp"
#include "scenario/pattern.hpp"

namespace pop3 {

// One side of a 'check:': numbers and numeric variables add up; a lone
// non-numeric variable compares as text. False, with error, when a term
// names no bound variable or is not a number.
bool evaluate(const std::vector<Expression::Term>& terms, const Variables& vars, std::string& value,
              std::string& error);

// a OP b: numerically when both are numbers, else == and != as text.
bool compare(const std::string& a, const std::string& op, const std::string& b);

// 'check:': passes when one of its comparisons holds; skipped when a
// variable has no value (the step that binds it failed or was skipped).
StepOutcome run_check(const Step& step, const Variables& vars);

// 'S~:' (and 'S!~:'): the line against the step's expression; a match binds
// its named groups in vars.
StepOutcome match_line(const Step& step, const std::string& line, Variables& vars);

}  // namespace pop3
