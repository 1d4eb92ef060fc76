#include "fuzz/target_process.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "util/deadline.hpp"

extern char** environ;

namespace asio = boost::asio;

namespace pop3::fuzz {

TargetProcess::TargetProcess(asio::any_io_executor ex, std::string command, std::string stderr_path)
    : ex_(std::move(ex)), command_(std::move(command)), stderr_path_(std::move(stderr_path)) {}

TargetProcess::~TargetProcess() { stop(); }

void TargetProcess::start() {
  // A simple command is exec'd by the shell, so that its own exit status or
  // signal is what we see, not the shell's.
  bool simple = command_.find_first_of(";&|()<>`$\n") == std::string::npos;
  // No core dumps: writing one delays the exit the crash oracle waits for,
  // and a sanitizer's report in stderr says more.
  std::string line = "ulimit -c 0; " + (simple ? "exec " + command_ : command_);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  // A process group of its own, so that stopping a compound command stops
  // every process it started.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  const char* argv[] = {"/bin/sh", "-c", line.c_str(), nullptr};
  int rc = posix_spawn(&pid_, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("cannot start --target-cmd: " + std::string(strerror(rc)));
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) throw std::runtime_error("pidfd_open failed: " + std::string(strerror(errno)));
  ended_.reset();
  ++starts_;
}

bool TargetProcess::exited() const {
  if (ended_ || pidfd_ < 0) return true;
  pollfd p{pidfd_, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

asio::awaitable<std::optional<std::string>> TargetProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (ended_) co_return ended_;
  if (pidfd_ < 0) co_return std::nullopt;
  int fd = ::dup(pidfd_);
  asio::posix::stream_descriptor waiter(ex_, fd);
  {
    Deadline deadline(ex_, timeout, [&] {
      boost::system::error_code ignored;
      waiter.cancel(ignored);
    });
    co_await waiter.async_wait(asio::posix::stream_descriptor::wait_read, asio::as_tuple(asio::use_awaitable));
  }
  if (!exited()) co_return std::nullopt;
  // What the server started dies with it: a child left holding the port
  // would keep the restarted server from listening. (Not reaped yet, the
  // group's id is still ours.)
  ::kill(-pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    ended_ = "killed by signal " + std::to_string(sig) + (name ? std::string(" (SIG") + name + ")" : std::string());
  } else {
    int code = WEXITSTATUS(status);
    ended_ = "exit status " + std::to_string(code);
    if (code > 128 && code < 160) {
      const char* name = sigabbrev_np(code - 128);
      if (name) *ended_ += " (the shell's report of SIG" + std::string(name) + ")";
    }
  }
  ::close(pidfd_);
  pidfd_ = -1;
  co_return ended_;
}

std::string TargetProcess::new_stderr() {
  std::ifstream in(stderr_path_, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  long end = static_cast<long>(in.tellg());
  if (end <= stderr_offset_) return {};
  constexpr long kMax = 16 * 1024;
  long from = std::max(stderr_offset_, end - kMax);
  in.seekg(from);
  std::string text(static_cast<std::size_t>(end - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  stderr_offset_ = end;
  return text;
}

void TargetProcess::stop() {
  if (pid_ <= 0 || ended_) {
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
    return;
  }
  ::kill(-pid_, SIGTERM);
  pollfd p{pidfd_, POLLIN, 0};
  if (::poll(&p, 1, 3000) != 1) ::kill(-pid_, SIGKILL);
  ::kill(-pid_, SIGKILL);  // the rest of the group, once the leader is gone
  int status = 0;
  ::waitpid(pid_, &status, 0);
  ::close(pidfd_);
  pidfd_ = -1;
  ended_ = "stopped";
}

}  // namespace pop3::fuzz
