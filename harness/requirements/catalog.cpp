#include "requirements/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "scenario/names.hpp"

namespace pop3 {
namespace {

const char* const kColumns[] = {"id", "rfc", "section", "binds", "level", "testable", "quote", "note"};

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t tab = line.find('\t', start);
    out.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

bool valid_requirement_id(std::string_view id) {
  // NNNN-SECTION-TOPIC-N, SECTION like 6.6: split at the dashes.
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t dash; (dash = id.find('-', start)) != std::string_view::npos; start = dash + 1)
    parts.push_back(id.substr(start, dash - start));
  parts.push_back(id.substr(start));
  if (parts.size() != 4 || parts[0].size() != 4 || !digits(parts[0]) || !digits(parts[3])) return false;
  std::string_view section = parts[1];
  if (section.empty() || section.front() == '.' || section.back() == '.' || section.find("..") != std::string_view::npos)
    return false;
  if (!std::all_of(section.begin(), section.end(), [](char c) { return c == '.' || std::isdigit(static_cast<unsigned char>(c)); }))
    return false;
  return !parts[2].empty() && std::all_of(parts[2].begin(), parts[2].end(), [](char c) {
    return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
  });
}

Catalog Catalog::parse(std::string_view tsv) {
  Catalog c;
  std::set<std::string, std::less<>> seen;
  std::size_t start = 0;
  for (int line_no = 1; start < tsv.size(); ++line_no) {
    std::size_t nl = tsv.find('\n', start);
    std::string_view line = tsv.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? tsv.size() : nl + 1;
    if (line.empty()) continue;
    auto fields = split_tabs(line);
    auto where = "requirements catalog line " + std::to_string(line_no) + ": ";
    if (fields.size() != std::size(kColumns)) throw std::invalid_argument(where + "expected 8 tab-separated fields");
    if (line_no == 1) {
      if (!std::equal(fields.begin(), fields.end(), std::begin(kColumns))) throw std::invalid_argument(where + "not the header");
      continue;
    }
    Requirement r{fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7]};
    if (!valid_requirement_id(r.id)) throw std::invalid_argument(where + "'" + r.id + "' is not an id");
    if (!seen.insert(r.id).second) throw std::invalid_argument(where + "'" + r.id + "' repeats an id");
    c.rows_.push_back(std::move(r));
  }
  return c;
}

const Requirement* Catalog::find(std::string_view id) const {
  auto it = std::find_if(rows_.begin(), rows_.end(), [&](const Requirement& r) { return r.id == id; });
  return it == rows_.end() ? nullptr : &*it;
}

std::optional<std::string> Catalog::closest(std::string_view id) const {
  std::vector<std::string> ids;
  for (const auto& r : rows_) ids.push_back(r.id);
  return pop3::closest(std::string(id), ids);
}

}  // namespace pop3
