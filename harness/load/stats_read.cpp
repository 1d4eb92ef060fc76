#include "load/stats_read.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace pop3::load {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "pop3-harness-load-stats";

std::uint64_t number(const json& j, const char* key) {
  return j.contains(key) ? j.at(key).get<std::uint64_t>() : 0;
}

std::map<std::string, std::uint64_t> counters(const json& j, const char* key) {
  std::map<std::string, std::uint64_t> out;
  if (j.contains(key))
    for (const auto& [k, v] : j.at(key).items()) out[k] = v.get<std::uint64_t>();
  return out;
}

Histogram histogram(const std::string& name, const json& j) {
  Histogram h;
  std::uint64_t max = number(j, "max_us");
  for (const auto& [lower, count] : j.at("buckets").items()) {
    std::uint64_t bound = 0;
    auto [end, err] = std::from_chars(lower.data(), lower.data() + lower.size(), bound);
    if (err != std::errc{} || end != lower.data() + lower.size() || !h.add_bucket(bound, count.get<std::uint64_t>(), max))
      throw std::invalid_argument("latency \"" + name + "\": \"" + lower + "\" is no bucket's lower bound");
  }
  if (h.count() != number(j, "count"))
    throw std::invalid_argument("latency \"" + name + "\": the buckets do not add up to its count");
  return h;
}

}  // namespace

bool is_stats_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_object() && j.contains("format") && j["format"] == kFormat;
}

LoadedStats stats_from_json(const std::string& text) {
  LoadedStats out;
  try {
    json j = json::parse(text);
    if (!j.is_object() || !j.contains("format") || j.at("format") != kFormat)
      throw std::invalid_argument(std::string("not a ") + kFormat + " file");
    if (number(j, "version") != 1) throw std::invalid_argument("version " + j.at("version").dump() + " is not 1");
    Stats& s = out.stats;
    out.seconds = j.contains("seconds") ? j.at("seconds").get<double>() : 0;
    s.sessions = number(j, "sessions"), s.sessions_failed = number(j, "sessions_failed");
    s.commands = number(j, "commands"), s.open_peak = number(j, "open_peak"), s.listed = number(j, "listed");
    s.delivered = number(j, "delivered"), s.dropped = number(j, "dropped");
    s.arrivals_missed = number(j, "arrivals_missed");
    s.errors = counters(j, "errors"), s.policy = counters(j, "policy"), s.judged = counters(j, "judged");
    for (const auto& [k, n] : counters(j, "violations")) s.broken[k].count = n;
    if (j.contains("latency"))
      for (const auto& [name, h] : j.at("latency").items()) s.latency[name] = histogram(name, h);
  } catch (const json::exception& e) {
    throw std::invalid_argument(e.what());
  }
  return out;
}

}  // namespace pop3::load
