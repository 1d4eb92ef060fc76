#include "oracle/listing.hpp"

#include <charconv>

namespace pop3::oracle {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<std::uint64_t> decimal(std::string_view word) {
  std::uint64_t v = 0;
  if (word.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
  return v;
}

std::optional<DropListing> parse_drop_listing(std::string_view text) {
  auto w = words(text);
  if (w.size() < 2) return std::nullopt;
  auto count = decimal(w[0]), octets = decimal(w[1]);
  if (!count || !octets) return std::nullopt;
  return DropListing{*count, *octets};
}

std::optional<ScanListing> parse_scan_listing(std::string_view line) {
  auto w = words(line);
  if (w.size() < 2) return std::nullopt;
  auto number = decimal(w[0]), octets = decimal(w[1]);
  if (!number || !octets) return std::nullopt;
  return ScanListing{*number, *octets};
}

std::optional<UniqueIdListing> parse_unique_id_listing(std::string_view line) {
  auto w = words(line);
  if (w.size() != 2) return std::nullopt;
  auto number = decimal(w[0]);
  if (!number) return std::nullopt;
  return UniqueIdListing{*number, std::string(w[1])};
}

}  // namespace pop3::oracle
