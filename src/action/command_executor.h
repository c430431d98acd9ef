#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "action/rendered_action.h"
#include "common/status.h"

namespace vakt::action {

// CommandPolicy is the operator's fence around every `command` step.
struct CommandPolicy {
  // Directories searched, in order, for an argv[0] without a slash. Fixed here, never taken from
  // the caller's PATH or the runbook.
  std::vector<std::string> search_path = {"/usr/local/bin", "/usr/bin", "/bin"};
  // Variables copied from vakt's own environment when set (e.g. TZ, LANG).
  std::vector<std::string> inherit_env = {"LANG", "LC_ALL", "TZ"};
  // Variables a runbook may set through CommandAction::env; anything else is InvalidArgument.
  std::vector<std::string> runbook_env = {};
  // Bytes kept per stream (stdout, stderr); the rest is read and discarded so the child never
  // blocks on a full pipe.
  size_t max_output_bytes = 1 << 20;
  // Upper bound on CommandAction::timeout_ms; larger values are clamped.
  TimeMs max_timeout_ms = 15 * 60 * 1000;
  // After SIGTERM to the process group at the timeout, SIGKILL follows after this grace period.
  TimeMs kill_grace_ms = 2'000;
  // After the child exits, output still held open by escaped descendants is read for at most
  // this long.
  TimeMs drain_after_exit_ms = 500;
};

// CommandOutcome is what one run of a command did.
struct CommandOutcome {
  bool exited = false;     // true: exit_code is valid
  int exit_code = -1;
  int term_signal = 0;     // signal that ended the child, if it did not exit
  bool timed_out = false;  // the timeout fired and the group was signalled
  std::string stdout_data;
  std::string stderr_data;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  int pid = 0;  // the child's pid, which is also its process-group id
  TimeMs duration_ms = 0;

  // Succeeded is true for a clean exit with status 0.
  bool Succeeded() const { return exited && exit_code == 0 && !timed_out; }
};

// CommandExecutor runs a CommandAction with posix_spawn: no shell, a clean environment built from
// the policy's allow-lists, the child in its own process group, stdin from /dev/null, stdout and
// stderr captured through pipes up to a cap. At the timeout the whole process group gets SIGTERM,
// then SIGKILL after the grace period; when the child exits, leftover members of its group are
// killed too, so nothing it started outlives the step.
//
// A CommandExecutor is immutable after construction and safe for concurrent Run calls.
class CommandExecutor {
 public:
  explicit CommandExecutor(CommandPolicy policy = {});

  // Run executes the command and waits for it (bounded by the timeout plus grace periods).
  // Returns the outcome whenever the child was started, whatever its exit status;
  // InvalidArgument for an empty argv, a relative argv[0] with a slash, a NUL byte, or an
  // environment variable the policy does not allow; NotFound if argv[0] cannot be resolved;
  // Internal if the process could not be spawned.
  Result<CommandOutcome> Run(const CommandAction& action) const;

  // BuildEnvironment returns the "NAME=value" list the child would get, in sorted order.
  // Exposed for dry runs and tests; errors as for Run.
  Result<std::vector<std::string>> BuildEnvironment(const CommandAction& action) const;

  // ResolveProgram maps argv[0] to an absolute executable path using only the policy's
  // search_path. NotFound if nothing executable matches.
  Result<std::string> ResolveProgram(const std::string& program) const;

  const CommandPolicy& policy() const { return policy_; }

 private:
  CommandPolicy policy_;
};

}  // namespace vakt::action
