#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace vakt::notify::testing {

// Subprocess runs a helper program for tests (an SMTP server, an independent verifier) with an
// argv list, never a shell. The destructor kills and reaps a still-running child. Not thread-safe.
class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess() { Kill(); }
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Start spawns argv[0] (an absolute path) with stdout and stderr appended to `log_path` if it
  // is non-empty. Returns false if the spawn failed.
  bool Start(const std::vector<std::string>& argv, const std::string& log_path = "");
  // Wait reaps the child within `timeout_ms` and returns its exit status; -1 if it did not exit
  // normally in time (it is then killed) or never started.
  int Wait(int timeout_ms = 10'000);
  // Kill sends SIGTERM, then SIGKILL after 2 s, and reaps; no-op if not running.
  void Kill();
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// RunProcess starts argv, waits at most `timeout_ms` and returns the exit status (-1 on failure or
// timeout, after killing the child).
int RunProcess(const std::vector<std::string>& argv, int timeout_ms = 10'000);

}  // namespace vakt::notify::testing
