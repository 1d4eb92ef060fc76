#pragma once
// One session's view of the maildrop, read from its STAT, UIDL and LIST
// answers (pure; each answer read as oracle/listing.hpp reads it): the
// messages in number order, and whether the three agree.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oracle/account_model.hpp"
#include "oracle/listing.hpp"

namespace pop3::oracle {

struct View {
  std::vector<Listed> messages;  // message i+1
};

// Joins UIDL's and LIST's body lines ("n uid", "n octets") into a view.
// Returns why they cannot be joined or do not agree with STAT (a Violation
// of "listings-agree"), or the view.
struct ViewOrViolation {
  std::optional<View> view;
  std::optional<Violation> violation;
};
ViewOrViolation join_listings(DropListing stat, const std::vector<std::string>& uidl, const std::vector<std::string>& list);

}  // namespace pop3::oracle
