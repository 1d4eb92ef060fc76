#pragma once
// One session's view of the maildrop, read from its STAT, UIDL and LIST
// answers (pure): the messages in number order, and whether the three agree.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/account_model.hpp"

namespace pop3::load {

struct View {
  std::vector<Listed> messages;  // message i+1
};

// "+OK count octets ..." -> {count, octets}, or nothing when malformed.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_stat(std::string_view status_text);

// Joins UIDL's and LIST's body lines ("n uid", "n octets") into a view.
// Returns why they cannot be joined or do not agree with STAT (a Violation
// of "listings-agree"), or the view.
struct ViewOrViolation {
  std::optional<View> view;
  std::optional<Violation> violation;
};
ViewOrViolation join_listings(std::pair<std::uint64_t, std::uint64_t> stat, const std::vector<std::string>& uidl,
                              const std::vector<std::string>& list);

}  // namespace pop3::load
