#include "util/process.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>

#include "net/run_sync.hpp"

using namespace pop3;
using namespace std::chrono_literals;

namespace {

ProcessResult shell(const std::string& command, std::chrono::milliseconds timeout = 10s,
                    std::map<std::string, std::string> env = {}) {
  boost::asio::io_context ioc;
  return run_sync(ioc, run_shell(ioc.get_executor(), command, env, timeout));
}

// Whether the process ends within the deadline: its pidfd turns readable.
bool ends_within(pid_t pid, int ms) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return true;  // already gone and reaped
  pollfd p{fd, POLLIN, 0};
  bool ended = ::poll(&p, 1, ms) == 1;
  ::close(fd);
  return ended;
}

}  // namespace

TEST(RunShell, GivesTheExitCodeTheOutputAndTheEnvironment) {
  ProcessResult r = shell("echo \"out $GREETING\"; echo err >&2; exit 3", 10s, {{"GREETING", "hello"}});
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.output, "out hello\nerr\n");
}

TEST(RunShell, ACrashIsASignalEvenWhenTheShellReportsItAsAnExitStatus) {
  EXPECT_EQ(shell("kill -SEGV $$").signal, SIGSEGV);
  ProcessResult nested = shell("sh -c 'kill -ABRT $$'; true_status=$?; exit $true_status");
  EXPECT_EQ(nested.signal, SIGABRT);
  EXPECT_EQ(nested.exit_code, -1);
  EXPECT_EQ(shell("exit 130").signal, 0) << "SIGINT's 128+2 is no crash";
}

TEST(RunShell, TheDeadlineKillsTheCommandAndEverythingItStarted) {
  char dir[] = "/tmp/pop3-process-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string pidfile = std::string(dir) + "/pid";
  ProcessResult r = shell("sleep 30 & echo $! > " + pidfile + "; sleep 30", 300ms);
  EXPECT_TRUE(r.timed_out);
  pid_t background = 0;
  std::ifstream(pidfile) >> background;
  ASSERT_GT(background, 0);
  EXPECT_TRUE(ends_within(background, 5000)) << "the background sleep outlived the deadline";
  std::remove(pidfile.c_str());
  ::rmdir(dir);
}

TEST(RunShell, WhatTheCommandLeavesRunningEndsWithIt) {
  char dir[] = "/tmp/pop3-process-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string pidfile = std::string(dir) + "/pid";
  // The straggler lets go of the output pipe, so the command is done at once.
  ProcessResult r = shell("sleep 30 >/dev/null 2>&1 & echo $! > " + pidfile, 10s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  pid_t background = 0;
  std::ifstream(pidfile) >> background;
  ASSERT_GT(background, 0);
  EXPECT_TRUE(ends_within(background, 5000));
  std::remove(pidfile.c_str());
  ::rmdir(dir);
}
