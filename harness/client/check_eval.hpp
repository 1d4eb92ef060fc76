#pragma once
#include <string>
#include <vector>

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

}  // namespace pop3
