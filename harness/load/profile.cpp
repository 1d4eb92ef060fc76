#include "load/profile.hpp"

#include <charconv>

namespace pop3::load {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool share(std::string_view v, double& out) {
  auto [end, err] = std::from_chars(v.data(), v.data() + v.size(), out);
  return err == std::errc{} && end == v.data() + v.size() && out >= 0 && out <= 1;
}

bool millis(std::string_view v, unsigned& out) {
  auto [end, err] = std::from_chars(v.data(), v.data() + v.size(), out);
  return err == std::errc{} && end == v.data() + v.size() && out <= 600000;
}

// One "key = value": empty when taken, else what is wrong.
std::string apply(Profile& p, std::string_view key, std::string_view v) {
  if (key == "retrieve") {
    if (v == "new") p.retrieve = Profile::Retrieve::fresh;
    else if (v == "all") p.retrieve = Profile::Retrieve::all;
    else if (v == "none") p.retrieve = Profile::Retrieve::none;
    else return "retrieve is new, all or none";
    return {};
  }
  if (key == "delete-what") {
    if (v == "one") p.delete_what = Profile::Delete::one;
    else if (v == "all") p.delete_what = Profile::Delete::all;
    else if (v == "retrieved") p.delete_what = Profile::Delete::retrieved;
    else return "delete-what is one, all or retrieved";
    return {};
  }
  double* s = key == "retrieve-again" ? &p.retrieve_again : key == "delete" ? &p.delete_share
              : key == "drop"         ? &p.drop
                                      : nullptr;
  if (s) return share(v, *s) ? std::string() : std::string(key) + " is a share from 0 to 1, e.g. 0.25";
  if (key == "think") {
    auto dash = v.find('-');
    std::string_view lo = trim(v.substr(0, dash)), hi = dash == std::string_view::npos ? lo : trim(v.substr(dash + 1));
    if (!millis(lo, p.think_min_ms) || !millis(hi, p.think_max_ms) || p.think_min_ms > p.think_max_ms)
      return "think is milliseconds, MIN-MAX or one number (at most 600000)";
    return {};
  }
  return "unknown key '" + std::string(key) +
         "' (retrieve, retrieve-again, delete, delete-what, drop, think)";
}

}  // namespace

std::optional<Profile> builtin_profile(std::string_view name) {
  Profile p;
  if (name == "leave-on-server") return p;
  if (name == "download") {
    p.retrieve = Profile::Retrieve::all;
    p.delete_share = 1;
    p.delete_what = Profile::Delete::all;
    return p;
  }
  if (name == "mixed") {
    p.retrieve_again = 0.2;
    p.delete_share = 0.3;
    p.drop = 0.05;
    return p;
  }
  return std::nullopt;
}

ProfileOrError parse_profile(std::string_view text, const std::string& file) {
  Profile p;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    auto eq = line.find('=');
    std::string where = file + ":" + std::to_string(line_no) + ": ";
    if (eq == std::string_view::npos) return {std::nullopt, where + "expected 'key = value'"};
    std::string why = apply(p, trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
    if (!why.empty()) return {std::nullopt, where + why};
  }
  return {p, {}};
}

bool chance(std::mt19937_64& rng, double share) {
  if (share <= 0) return false;
  if (share >= 1) return true;
  return static_cast<double>(rng() % 1000000) < share * 1000000;
}

}  // namespace pop3::load
