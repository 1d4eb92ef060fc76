#pragma once
// The load itself: simulated clients on one io_context, each running
// sessions back to back (closed loop), or sessions started at a fixed rate
// whatever the server's pace (open loop, --rate: a slow server cannot slow
// the load down and hide its latency), until a duration or a number of
// sessions; live statistics every second; every session drained at the end.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "load/load_session.hpp"

namespace pop3::load {

struct LoadPlan {
  std::size_t clients = 10;                 // sessions at once, at most
  double seconds = 10;                      // unless sessions is given
  std::optional<std::uint64_t> sessions;    // this many in all
  std::optional<double> rate;               // sessions started per second
  std::uint64_t seed = 0;
  bool live = true;                         // a line of statistics every second
};

boost::asio::awaitable<void> run_load(LoadContext& ctx, const LoadPlan& plan, const std::atomic<bool>& interrupted,
                                      std::FILE* out);

// "p50/p95/p99/max 1.2/3.4/5.6/7.8 ms" for one histogram.
std::string percentiles(const Histogram& h);

}  // namespace pop3::load
