#pragma once
// The scenario parser's internals, shared by parser.cpp (lines, headers,
// includes), client_steps.cpp and server_steps.cpp. Not a public interface.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/ast.hpp"
#include "scenario/diagnostic.hpp"
#include "scenario/names.hpp"

namespace pop3::detail {

std::string_view trim(std::string_view s);
std::vector<std::string> split_words(std::string_view s);
// The line without an inline comment: '#' after whitespace, followed by
// whitespace or the end of the line, starts one ('{#}' writes a literal '#').
std::string_view strip_comment(std::string_view line);

class Parser {
 public:
  Parser(Scenario& sc, std::filesystem::path include_from) : sc_(sc), include_from_(std::move(include_from)) {}
  void parse(const std::string& file, std::string_view text, int depth, bool is_include);

 private:
  struct Where {
    std::string file;
    int line;
    std::string text;
  };

  [[noreturn]] void fail(const Where& at, std::size_t col, const std::string& msg);
  bool header(const Where& at, const std::string& key, std::string_view value, std::size_t col);
  void requirements_header(const Where& at, std::string_view value, std::size_t col);
  void advisories_header(const Where& at, std::string_view value, std::size_t col);
  void requires_header(const Where& at, std::string_view value, std::size_t col);
  void step(const Where& at, const std::string& key, std::string_view value, std::size_t col, int depth);
  // client_steps.cpp: the kinds of a client-role step.
  bool client_step(const Where& at, const std::string& key, std::string_view value, std::size_t col, Step& s);
  void check_body(const Where& at, const std::vector<std::string>& w, std::size_t col);
  Expression parse_expression(const Where& at, std::string_view v, std::size_t col);
  std::vector<Expression::Term> parse_sum(const Where& at, std::string_view v, std::size_t col);
  void check_substitution(const Where& at, std::string_view value, std::size_t col);
  // Variables: every use must name one bound before it (typos are parse errors).
  void check_uses(const Where& at, const Step& s, std::size_t col);
  void record_binds(const Step& s);
  void use(const Where& at, const std::string& name, std::size_t col);
  // server_steps.cpp: the steps of a server-role scenario.
  bool server_step(const Where& at, const std::string& key, std::string_view value, std::size_t col);
  void server_expect(const Where& at, std::string_view value, std::size_t col);
  std::string expand(const Where& at, std::string_view value, std::size_t col);
  void include(const Where& at, std::string_view name, std::size_t col, int depth);
  void check_mailbox_any(const Where& at, const Step& s);

  // The whole-file checks after the last line.
  void final_checks(const std::string& file);

  Scenario& sc_;
  std::filesystem::path include_from_;
  // Errors so far: a line that does not parse is recorded and parsing goes
  // on at the next, so that lint reports every error of a file at once.
  std::vector<Diagnostic> errors_;
  Where fixture_at_{};
  std::size_t fixture_col_ = 1;
  Where mailbox_at_{};
  bool in_override_ = false;
  Severity severity_ = Severity::must;
  std::string rfc_;
  Bindings bindings_;
};

}  // namespace pop3::detail
