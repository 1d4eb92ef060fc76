#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <string>

namespace pop3 {

struct ProcessResult {
  bool timed_out = false;
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;     // also when the shell reported a crash signal as exit 128+N
  std::string output;  // stdout and stderr, bounded
};

// Runs "sh -c command" with extra environment variables, waiting on a pidfd
// (no thread, no polling); killed when the deadline passes.
boost::asio::awaitable<ProcessResult> run_shell(boost::asio::any_io_executor ex, const std::string& command,
                                                const std::map<std::string, std::string>& env,
                                                std::chrono::milliseconds timeout);

}  // namespace pop3
