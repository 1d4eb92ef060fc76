#pragma once
// The answers of RFC 1939 that carry data, read one way for every consumer
// of the oracle (the property judge, the fuzzer's verdicts, the load mode's
// views). Pure.
//
// RFC 1939 #5: a drop listing is "+OK" SP count SP octets, and "this memo
// makes no requirement on what follows the maildrop size"; a scan listing is
// msg-number SP octets, with no requirement on what follows the size either.
// #7: a unique-id listing is msg-number SP unique-id, and nothing follows
// (a unique-id has no spaces). Fields are read as the words of the line
// (runs of spaces or tabs between them), numbers as decimal digits only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pop3::oracle {

struct DropListing {
  std::uint64_t count = 0, octets = 0;
};
struct ScanListing {
  std::uint64_t number = 0, octets = 0;
};
struct UniqueIdListing {
  std::uint64_t number = 0;
  std::string uid;
};

// The text after "+OK " of STAT's answer.
std::optional<DropListing> parse_drop_listing(std::string_view text);
// A line of LIST's multi-line answer, or the text after "+OK " of LIST n.
std::optional<ScanListing> parse_scan_listing(std::string_view line);
// A line of UIDL's multi-line answer, or the text after "+OK " of UIDL n.
std::optional<UniqueIdListing> parse_unique_id_listing(std::string_view line);

// The words of a line, split on spaces and tabs.
std::vector<std::string_view> words(std::string_view line);
// Decimal digits only, within 64 bits.
std::optional<std::uint64_t> decimal(std::string_view word);

}  // namespace pop3::oracle
