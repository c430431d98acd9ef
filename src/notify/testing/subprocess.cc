#include "notify/testing/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

extern char** environ;

namespace vakt::notify::testing {
namespace {

// Polls for the child's exit for at most `timeout_ms`; returns the raw wait status or -1.
int WaitFor(pid_t pid, int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

}  // namespace

bool Subprocess::Start(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty() || pid_ > 0) return false;
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!log_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  pid_ = pid;
  return true;
}

int Subprocess::Wait(int timeout_ms) {
  if (pid_ <= 0) return -1;
  const int status = WaitFor(pid_, timeout_ms);
  if (status == -1) {
    Kill();
    return -1;
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void Subprocess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  if (WaitFor(pid_, 2000) == -1) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
}

int RunProcess(const std::vector<std::string>& argv, int timeout_ms) {
  Subprocess process;
  if (!process.Start(argv)) return -1;
  return process.Wait(timeout_ms);
}

}  // namespace vakt::notify::testing
