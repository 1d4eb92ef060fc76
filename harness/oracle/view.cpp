#include "oracle/view.hpp"


namespace pop3::oracle {
namespace {

Violation disagree(std::string message) { return {"listings-agree", "1939-5-STAT-2 1939-5-LIST-4 1939-7-UIDL-3", std::move(message)}; }

}  // namespace

ViewOrViolation join_listings(DropListing stat, const std::vector<std::string>& uidl, const std::vector<std::string>& list) {
  if (uidl.size() != list.size() || uidl.size() != stat.count)
    return {std::nullopt, disagree("STAT counts " + std::to_string(stat.count) + " messages, UIDL lists " +
                                   std::to_string(uidl.size()) + " and LIST " + std::to_string(list.size()))};
  View v;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < uidl.size(); ++i) {
    auto u = parse_unique_id_listing(uidl[i]);
    auto l = parse_scan_listing(list[i]);
    if (!u || !l || u->number != i + 1 || l->number != i + 1)
      return {std::nullopt, disagree("line " + std::to_string(i + 1) + " of UIDL ('" + uidl[i] + "') and LIST ('" +
                                     list[i] + "') do not list message " + std::to_string(i + 1))};
    v.messages.push_back({u->uid, l->octets});
    total += l->octets;
  }
  if (total != stat.octets)
    return {std::nullopt, disagree("STAT reports " + std::to_string(stat.octets) + " octets, the scan listings add up to " +
                                   std::to_string(total))};
  return {std::move(v), std::nullopt};
}

}  // namespace pop3::oracle
