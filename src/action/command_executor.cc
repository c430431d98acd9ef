#include "action/command_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string_view>

namespace vakt::action {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Variables that change how a program is loaded or interpreted; never passed, whatever the
// allow-lists say, because a policy typo must not turn into code injection.
bool IsForbiddenEnvName(std::string_view name) {
  static constexpr std::string_view kForbidden[] = {
      "PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "GCONV_PATH", "LOCPATH", "NLSPATH",
      "HOSTALIASES", "RESOLV_HOST_CONF", "PERL5OPT", "PERL5LIB", "PYTHONPATH", "PYTHONSTARTUP",
      "NODE_OPTIONS", "GLIBC_TUNABLES"};
  if (name.starts_with("LD_") || name.starts_with("DYLD_") || name.starts_with("MALLOC_")) {
    return true;
  }
  return std::find(std::begin(kForbidden), std::end(kForbidden), name) != std::end(kForbidden);
}

bool IsValidEnvName(std::string_view name) {
  if (name.empty() || (std::isdigit(static_cast<unsigned char>(name[0])) != 0)) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

bool HasNul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

// Fd closes a descriptor when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// CappedSink keeps the first `cap` bytes of a stream and counts the rest.
struct CappedSink {
  std::string* data;
  bool* truncated;
  size_t cap;
  void Append(const char* bytes, size_t size) {
    size_t room = data->size() < cap ? cap - data->size() : 0;
    data->append(bytes, std::min(room, size));
    if (size > room) *truncated = true;
  }
};

// ReadAvailable reads what poll() reported; closes the descriptor at EOF or on error.
void ReadAvailable(Fd& fd, CappedSink& sink) {
  char buffer[64 * 1024];
  ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
  if (n > 0) {
    sink.Append(buffer, static_cast<size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    fd.Close();
  }
}

// SpawnResources owns the posix_spawn attribute objects for one spawn.
class SpawnResources {
 public:
  SpawnResources() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attr_);
  }
  SpawnResources(const SpawnResources&) = delete;
  SpawnResources& operator=(const SpawnResources&) = delete;
  ~SpawnResources() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  posix_spawn_file_actions_t* actions() { return &actions_; }
  posix_spawnattr_t* attr() { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

Status ErrnoStatus(const std::string& what, int error) {
  return Status::Internal(what + ": " + std::strerror(error));
}

}  // namespace

CommandExecutor::CommandExecutor(CommandPolicy policy) : policy_(std::move(policy)) {}

Result<std::string> CommandExecutor::ResolveProgram(const std::string& program) const {
  if (program.empty() || HasNul(program)) {
    return Status::InvalidArgument("argv[0] is empty or holds a NUL byte");
  }
  if (program.find('/') != std::string::npos) {
    if (program[0] != '/') {
      return Status::InvalidArgument("argv[0] '" + program +
                                     "' must be absolute or a bare program name");
    }
    if (::access(program.c_str(), X_OK) != 0) {
      return Status::NotFound("program '" + program + "' is not an executable file");
    }
    return program;
  }
  for (const auto& dir : policy_.search_path) {
    std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Status::NotFound("program '" + program + "' not found in the safe search path");
}

Result<std::vector<std::string>> CommandExecutor::BuildEnvironment(
    const CommandAction& action) const {
  std::map<std::string, std::string> env;
  std::string path;
  for (const auto& dir : policy_.search_path) path += (path.empty() ? "" : ":") + dir;
  env["PATH"] = path;
  for (const auto& name : policy_.inherit_env) {
    if (IsForbiddenEnvName(name) || !IsValidEnvName(name)) continue;
    if (const char* value = std::getenv(name.c_str()); value != nullptr) env[name] = value;
  }
  for (const auto& [name, value] : action.env) {
    if (!IsValidEnvName(name) || HasNul(value)) {
      return Status::InvalidArgument("environment variable '" + name + "' is malformed");
    }
    bool allowed = std::find(policy_.runbook_env.begin(), policy_.runbook_env.end(), name) !=
                   policy_.runbook_env.end();
    if (IsForbiddenEnvName(name) || !allowed) {
      return Status::InvalidArgument("environment variable '" + name +
                                     "' is not allowed for commands");
    }
    env[name] = value;
  }
  std::vector<std::string> entries;
  entries.reserve(env.size());
  for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
  return entries;
}

Result<CommandOutcome> CommandExecutor::Run(const CommandAction& action) const {
  if (action.argv.empty()) return Status::InvalidArgument("command argv is empty");
  for (const auto& arg : action.argv) {
    if (HasNul(arg)) return Status::InvalidArgument("command argv holds a NUL byte");
  }
  if (HasNul(action.working_dir)) return Status::InvalidArgument("working_dir holds a NUL byte");
  VAKT_ASSIGN_OR_RETURN(std::string program, ResolveProgram(action.argv[0]));
  VAKT_ASSIGN_OR_RETURN(std::vector<std::string> env, BuildEnvironment(action));
  const std::string working_dir = action.working_dir.empty() ? "/" : action.working_dir;
  if (working_dir[0] != '/') return Status::InvalidArgument("working_dir must be absolute");

  std::vector<char*> argv_ptrs;
  for (const auto& arg : action.argv) argv_ptrs.push_back(const_cast<char*>(arg.c_str()));
  argv_ptrs.push_back(nullptr);
  std::vector<char*> env_ptrs;
  for (const auto& entry : env) env_ptrs.push_back(const_cast<char*>(entry.c_str()));
  env_ptrs.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return ErrnoStatus("pipe", errno);
  Fd out_read(out_pipe[0]);
  Fd out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return ErrnoStatus("pipe", errno);
  Fd err_read(err_pipe[0]);
  Fd err_write(err_pipe[1]);

  SpawnResources spawn;
  posix_spawn_file_actions_addopen(spawn.actions(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(spawn.actions(), out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(spawn.actions(), err_write.get(), STDERR_FILENO);
  posix_spawn_file_actions_addchdir_np(spawn.actions(), working_dir.c_str());
  // Descriptors vakt opened without O_CLOEXEC (sockets, databases) must not leak to the child.
  posix_spawn_file_actions_addclosefrom_np(spawn.actions(), STDERR_FILENO + 1);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t all_signals;
  sigfillset(&all_signals);
  posix_spawnattr_setsigmask(spawn.attr(), &empty_mask);
  posix_spawnattr_setsigdefault(spawn.attr(), &all_signals);
  posix_spawnattr_setpgroup(spawn.attr(), 0);  // own group: pgid == pid, killable as one
  posix_spawnattr_setflags(spawn.attr(), static_cast<short>(POSIX_SPAWN_SETPGROUP |
                                                            POSIX_SPAWN_SETSIGMASK |
                                                            POSIX_SPAWN_SETSIGDEF));

  const auto start = SteadyClock::now();
  pid_t pid = 0;
  // glibc's posix_spawn reports exec and chdir failures from the child as its return value.
  int spawn_error = ::posix_spawn(&pid, program.c_str(), spawn.actions(), spawn.attr(),
                                  argv_ptrs.data(), env_ptrs.data());
  if (spawn_error != 0) {
    if (spawn_error == ENOENT || spawn_error == ENOTDIR) {
      return Status::NotFound("spawning '" + program + "' in '" + working_dir +
                              "': " + std::strerror(spawn_error));
    }
    return ErrnoStatus("spawning '" + program + "'", spawn_error);
  }
  // Our copies of the write ends must go, or the pipes never reach EOF.
  out_write.Close();
  err_write.Close();

  CommandOutcome outcome;
  outcome.pid = pid;
  CappedSink out_sink{&outcome.stdout_data, &outcome.stdout_truncated, policy_.max_output_bytes};
  CappedSink err_sink{&outcome.stderr_data, &outcome.stderr_truncated, policy_.max_output_bytes};

  using std::chrono::milliseconds;
  const TimeMs timeout_ms = std::clamp<TimeMs>(action.timeout_ms, 1, policy_.max_timeout_ms);
  const auto deadline = start + milliseconds(timeout_ms);
  const auto kill_at = deadline + milliseconds(policy_.kill_grace_ms);
  // If even SIGKILL does not end the child (uninterruptible sleep), stop waiting eventually.
  const auto give_up_at = kill_at + milliseconds(10'000);
  bool term_sent = false;
  bool kill_sent = false;
  bool leader_exited = false;
  auto drain_until = SteadyClock::time_point::max();

  while (true) {
    const auto now = SteadyClock::now();
    if (!leader_exited) {
      siginfo_t info{};
      // WNOWAIT leaves the child a zombie, so its pid (our pgid) cannot be reused before the
      // leftovers of its group are killed below.
      if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          info.si_pid == pid) {
        leader_exited = true;
        ::killpg(pid, SIGKILL);
        drain_until = now + milliseconds(policy_.drain_after_exit_ms);
      }
    }
    if (!leader_exited) {
      if (!term_sent && now >= deadline) {
        outcome.timed_out = true;
        term_sent = true;
        ::killpg(pid, SIGTERM);
      }
      if (term_sent && !kill_sent && now >= kill_at) {
        kill_sent = true;
        ::killpg(pid, SIGKILL);
      }
      if (now >= give_up_at) {
        return Status::Internal("command pid " + std::to_string(pid) +
                                " did not exit after SIGKILL");
      }
    }
    const bool pipes_open = out_read.get() >= 0 || err_read.get() >= 0;
    if (leader_exited && (!pipes_open || now >= drain_until)) break;

    pollfd fds[2];
    nfds_t count = 0;
    Fd* owners[2];
    CappedSink* sinks[2];
    if (out_read.get() >= 0) {
      fds[count] = {out_read.get(), POLLIN, 0};
      owners[count] = &out_read;
      sinks[count++] = &out_sink;
    }
    if (err_read.get() >= 0) {
      fds[count] = {err_read.get(), POLLIN, 0};
      owners[count] = &err_read;
      sinks[count++] = &err_sink;
    }
    // Short slices: child exit is noticed by waitid, not by an event, so poll must wake up.
    int ready = ::poll(count > 0 ? fds : nullptr, count, 20);
    if (ready < 0 && errno != EINTR) return ErrnoStatus("poll", errno);
    for (nfds_t idx = 0; ready > 0 && idx < count; ++idx) {
      if ((fds[idx].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        ReadAvailable(*owners[idx], *sinks[idx]);
      }
    }
  }

  int wait_status = 0;
  pid_t reaped;
  do {
    reaped = ::waitpid(pid, &wait_status, 0);
  } while (reaped < 0 && errno == EINTR);
  if (reaped != pid) return ErrnoStatus("waitpid", errno);
  if (WIFEXITED(wait_status)) {
    outcome.exited = true;
    outcome.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    outcome.term_signal = WTERMSIG(wait_status);
  }
  outcome.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            SteadyClock::now() - start)
                            .count();
  return outcome;
}

}  // namespace vakt::action
