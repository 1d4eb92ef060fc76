#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pop3 {

// One normative statement of a POP3 RFC (requirements/catalog.tsv).
struct Requirement {
  std::string id;        // "1939-5-DELE-2": RFC, section, topic, number
  std::string rfc;       // "rfc1939"
  std::string section;   // "5"
  std::string binds;     // "server" or "client"
  std::string level;     // MUST, MUST NOT, SHOULD, SHOULD NOT, MAY
  std::string testable;  // yes, partly, no
  std::string quote;     // the RFC's words
  std::string note;      // an implicit rule derived from them, or why not testable
};

// Whether text has the shape of a requirement id: NNNN-SECTION-TOPIC-N.
bool valid_requirement_id(std::string_view id);

class Catalog {
 public:
  // Parses the catalog's plain tab-separated text (a header line, then one
  // row per line). Throws std::invalid_argument naming the line of a row
  // that is malformed or repeats an id.
  static Catalog parse(std::string_view tsv);

  const std::vector<Requirement>& rows() const { return rows_; }
  const Requirement* find(std::string_view id) const;
  // The id most like an unknown one, for a did-you-mean.
  std::optional<std::string> closest(std::string_view id) const;

 private:
  std::vector<Requirement> rows_;
};

}  // namespace pop3
