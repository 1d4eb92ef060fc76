#include "load/view.hpp"

#include <charconv>

namespace pop3::load {
namespace {

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "n word [more]" -> {n, word}.
std::optional<std::pair<std::uint64_t, std::string_view>> two_words(std::string_view line) {
  auto sp = line.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  auto n = number(line.substr(0, sp));
  std::string_view rest = line.substr(sp + 1);
  rest = rest.substr(0, rest.find(' '));
  if (!n || rest.empty()) return std::nullopt;
  return std::pair{*n, rest};
}

Violation disagree(std::string message) { return {"listings-agree", "1939-5-STAT-2 1939-5-LIST-4 1939-7-UIDL-3", std::move(message)}; }

}  // namespace

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_stat(std::string_view text) {
  auto sp = text.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  auto count = number(text.substr(0, sp));
  std::string_view rest = text.substr(sp + 1);
  auto octets = number(rest.substr(0, rest.find(' ')));
  if (!count || !octets) return std::nullopt;
  return std::pair{*count, *octets};
}

ViewOrViolation join_listings(std::pair<std::uint64_t, std::uint64_t> stat, const std::vector<std::string>& uidl,
                              const std::vector<std::string>& list) {
  if (uidl.size() != list.size() || uidl.size() != stat.first)
    return {std::nullopt, disagree("STAT counts " + std::to_string(stat.first) + " messages, UIDL lists " +
                                   std::to_string(uidl.size()) + " and LIST " + std::to_string(list.size()))};
  View v;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < uidl.size(); ++i) {
    auto u = two_words(uidl[i]);
    auto l = two_words(list[i]);
    auto size = l ? number(l->second) : std::nullopt;
    if (!u || !l || !size || u->first != i + 1 || l->first != i + 1)
      return {std::nullopt, disagree("line " + std::to_string(i + 1) + " of UIDL ('" + uidl[i] + "') and LIST ('" +
                                     list[i] + "') do not list message " + std::to_string(i + 1))};
    v.messages.push_back({std::string(u->second), *size});
    total += *size;
  }
  if (total != stat.second)
    return {std::nullopt, disagree("STAT reports " + std::to_string(stat.second) + " octets, the scan listings add up to " +
                                   std::to_string(total))};
  return {std::move(v), std::nullopt};
}

}  // namespace pop3::load
