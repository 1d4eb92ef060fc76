#include "util/process.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

#include "util/deadline.hpp"
#include "util/interrupt.hpp"

extern char** environ;

namespace asio = boost::asio;

namespace pop3 {

asio::awaitable<ProcessResult> run_shell(asio::any_io_executor ex, const std::string& command,
                                         const std::map<std::string, std::string>& env,
                                         std::chrono::milliseconds timeout) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string s(*e);
    if (!env.contains(s.substr(0, s.find('=')))) env_strings.push_back(s);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // A process group of its own: the shell does not exec the last command, so
  // what the deadline kills is the group, the command and whatever it started.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char**>(argv), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    throw std::runtime_error("cannot start /bin/sh");
  }

  // The pipe reaches EOF when the command and its children are done with it;
  // then the pidfd tells when the shell itself has exited.
  asio::posix::stream_descriptor pipe(ex, out[0]);
  ProcessResult result;
  // An interrupt ends the command and its children at once, not at the deadline.
  interrupt::Registration on_interrupt([&] {
    ::kill(-pid, SIGKILL);
    boost::system::error_code ignored;
    pipe.close(ignored);
  });
  {
    Deadline deadline(ex, timeout, [&] {
      ::kill(-pid, SIGKILL);
      boost::system::error_code ignored;
      pipe.close(ignored);
    });
    char buf[4096];
    for (;;) {
      auto [ec, n] = co_await pipe.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      if (result.output.size() < 64 * 1024) result.output.append(buf, n);
    }
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd >= 0) {
      asio::posix::stream_descriptor waiter(ex, pidfd);
      co_await waiter.async_wait(asio::posix::stream_descriptor::wait_read, asio::as_tuple(asio::use_awaitable));
    }
    result.timed_out = deadline.fired();
  }
  // Whatever the command left running goes with it (the shell is not reaped
  // yet, so the group's id is still ours).
  ::kill(-pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  // The shell reports a command killed by signal N as exit 128+N (it does not
  // exec the last command): a crash must not pass for an ordinary failure.
  int code = result.exit_code - 128;
  if (!result.timed_out && (code == SIGSEGV || code == SIGABRT || code == SIGBUS || code == SIGILL ||
                            code == SIGFPE || code == SIGTRAP || code == SIGSYS)) {
    result.signal = code;
    result.exit_code = -1;
  }
  co_return result;
}

}  // namespace pop3
