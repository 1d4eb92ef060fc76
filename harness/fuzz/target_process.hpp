#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>

namespace pop3::fuzz {

// The server under test as a child process (fuzz --target-cmd): started,
// watched through a pidfd (its exit is an event, not a poll), restarted
// after a crash. Its stderr goes to a file, so a sanitizer report survives
// the crash and can be attached to the finding.
class TargetProcess {
 public:
  TargetProcess(boost::asio::any_io_executor ex, std::string command, std::string stderr_path);
  ~TargetProcess();
  TargetProcess(const TargetProcess&) = delete;
  TargetProcess& operator=(const TargetProcess&) = delete;

  void start();
  // True once the process has exited (not yet reaped or already reaped).
  bool exited() const;
  // Waits up to timeout for the exit; then how it ended ("killed by signal 6
  // (SIGABRT)", "exit status 1"), reaped. Nothing if it is still running.
  boost::asio::awaitable<std::optional<std::string>> wait_exit(std::chrono::milliseconds timeout);
  // What the process wrote to stderr since the last call (bounded).
  std::string new_stderr();
  void stop();
  int starts() const { return starts_; }
  const std::string& command() const { return command_; }

 private:
  boost::asio::any_io_executor ex_;
  std::string command_, stderr_path_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<std::string> ended_;
  long stderr_offset_ = 0;
  int starts_ = 0;
};

}  // namespace pop3::fuzz
