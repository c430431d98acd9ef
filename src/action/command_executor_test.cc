#include "action/command_executor.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vakt::action {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// ProcessIsGone is true when pid no longer exists or is a zombie waiting for init to reap it
// (containers often run without a reaping init).
bool ProcessIsGone(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  auto close_paren = line.rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < line.size() &&
         line[close_paren + 2] == 'Z';
}

bool EventuallyGone(int pid) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (ProcessIsGone(pid)) return true;
    usleep(20'000);
  }
  return false;
}

CommandAction Argv(std::vector<std::string> argv, TimeMs timeout_ms = 5'000) {
  CommandAction action;
  action.argv = std::move(argv);
  action.timeout_ms = timeout_ms;
  return action;
}

TEST(CommandExecutorTest, ShellMetacharactersStayLiteral) {
  CommandExecutor executor;
  const std::string hostile = "$(id); rm -rf / `x` | y > /tmp/vakt-pwned && echo $HOME";
  auto outcome = executor.Run(Argv({"/bin/echo", hostile}));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->Succeeded());
  EXPECT_EQ(outcome->stdout_data, hostile + "\n");
}

TEST(CommandExecutorTest, BareNameResolvesThroughSafePathOnly) {
  CommandExecutor executor;
  auto resolved = executor.ResolveProgram("echo");
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved.value()[0], '/');
  EXPECT_THAT(*resolved, HasSubstr("/echo"));
  EXPECT_EQ(executor.ResolveProgram("./echo").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(executor.ResolveProgram("bin/echo").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(executor.ResolveProgram("vakt-no-such-program").status().code(),
            StatusCode::kNotFound);
}

TEST(CommandExecutorTest, ReportsExitCodeAndStderr) {
  CommandExecutor executor;
  auto outcome = executor.Run(Argv({"/bin/sh", "-c", "echo oops >&2; exit 3"}));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->exited);
  EXPECT_EQ(outcome->exit_code, 3);
  EXPECT_EQ(outcome->stderr_data, "oops\n");
  EXPECT_FALSE(outcome->Succeeded());
}

TEST(CommandExecutorTest, HungChildIsKilledWithItsGrandchildrenAtTimeout) {
  CommandExecutor executor;
  // The grandchild prints its pid so the test can check it is gone afterwards.
  auto outcome =
      executor.Run(Argv({"/bin/sh", "-c", "sleep 100 & echo $!; sleep 100"}, /*timeout_ms=*/300));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->timed_out);
  EXPECT_FALSE(outcome->exited);
  EXPECT_EQ(outcome->term_signal, SIGTERM);
  EXPECT_LT(outcome->duration_ms, 3'000);
  int grandchild = std::atoi(outcome->stdout_data.c_str());
  ASSERT_GT(grandchild, 1) << outcome->stdout_data;
  EXPECT_TRUE(EventuallyGone(grandchild));
  EXPECT_TRUE(EventuallyGone(outcome->pid));
}

TEST(CommandExecutorTest, TermIgnoringChildGetsKilledAfterGrace) {
  CommandPolicy policy;
  policy.kill_grace_ms = 200;
  CommandExecutor executor(policy);
  auto outcome = executor.Run(Argv({"/bin/sh", "-c", "trap '' TERM; echo ready; while :; do :; done"},
                                   /*timeout_ms=*/300));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->timed_out);
  EXPECT_EQ(outcome->term_signal, SIGKILL);
  EXPECT_LT(outcome->duration_ms, 3'000);
}

TEST(CommandExecutorTest, BackgroundLeftoversAreKilledWhenChildExits) {
  CommandExecutor executor;
  // The shell exits at once; its background sleep still holds stdout open.
  auto outcome = executor.Run(Argv({"/bin/sh", "-c", "sleep 100 & echo $!"}, 10'000));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->Succeeded());
  EXPECT_LT(outcome->duration_ms, 3'000);
  int grandchild = std::atoi(outcome->stdout_data.c_str());
  ASSERT_GT(grandchild, 1);
  EXPECT_TRUE(EventuallyGone(grandchild));
}

TEST(CommandExecutorTest, EndlessOutputFloodIsCappedAndEndsAtTimeout) {
  CommandPolicy policy;
  policy.max_output_bytes = 64 * 1024;
  CommandExecutor executor(policy);
  auto outcome = executor.Run(Argv({"/usr/bin/yes"}, /*timeout_ms=*/500));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->timed_out);
  EXPECT_TRUE(outcome->stdout_truncated);
  EXPECT_EQ(outcome->stdout_data.size(), policy.max_output_bytes);
  EXPECT_EQ(outcome->stdout_data.substr(0, 4), "y\ny\n");
  EXPECT_LT(outcome->duration_ms, 3'000);
}

TEST(CommandExecutorTest, FiniteFloodIsDrainedSoChildFinishesCleanly) {
  CommandPolicy policy;
  policy.max_output_bytes = 1024;
  CommandExecutor executor(policy);
  // 8 MiB is far more than a pipe buffer: the child only exits if we keep reading.
  auto outcome =
      executor.Run(Argv({"/usr/bin/head", "-c", "8388608", "/dev/zero"}, /*timeout_ms=*/10'000));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->Succeeded());
  EXPECT_FALSE(outcome->timed_out);
  EXPECT_TRUE(outcome->stdout_truncated);
  EXPECT_EQ(outcome->stdout_data.size(), 1024u);
}

TEST(CommandExecutorTest, CallerLoaderAndPathOverridesAreNotInherited) {
  ASSERT_EQ(setenv("LD_PRELOAD", "/tmp/vakt-evil.so", 1), 0);
  ASSERT_EQ(setenv("LD_LIBRARY_PATH", "/tmp/vakt-evil", 1), 0);
  ASSERT_EQ(setenv("VAKT_SECRET_TOKEN", "s3cret", 1), 0);
  ASSERT_EQ(setenv("TZ", "UTC", 1), 0);
  const char* old_path = std::getenv("PATH");
  std::string saved_path = old_path != nullptr ? old_path : "";
  ASSERT_EQ(setenv("PATH", "/tmp/vakt-evil-bin", 1), 0);

  CommandExecutor executor;
  auto outcome = executor.Run(Argv({"/usr/bin/env"}));

  setenv("PATH", saved_path.c_str(), 1);
  unsetenv("LD_PRELOAD");
  unsetenv("LD_LIBRARY_PATH");
  unsetenv("VAKT_SECRET_TOKEN");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_THAT(outcome->stdout_data, Not(HasSubstr("LD_PRELOAD")));
  EXPECT_THAT(outcome->stdout_data, Not(HasSubstr("LD_LIBRARY_PATH")));
  EXPECT_THAT(outcome->stdout_data, Not(HasSubstr("VAKT_SECRET_TOKEN")));
  EXPECT_THAT(outcome->stdout_data, Not(HasSubstr("vakt-evil")));
  EXPECT_THAT(outcome->stdout_data, HasSubstr("PATH=/usr/local/bin:/usr/bin:/bin\n"));
  EXPECT_THAT(outcome->stdout_data, HasSubstr("TZ=UTC\n"));
}

TEST(CommandExecutorTest, RunbookEnvIsFilteredByAllowList) {
  CommandPolicy policy;
  policy.runbook_env = {"MODEL_NAME", "LD_PRELOAD", "PATH"};  // the last two stay forbidden
  CommandExecutor executor(policy);

  CommandAction allowed = Argv({"/usr/bin/env"});
  allowed.env = {{"MODEL_NAME", "fraud-ranker"}};
  auto outcome = executor.Run(allowed);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_THAT(outcome->stdout_data, HasSubstr("MODEL_NAME=fraud-ranker\n"));

  for (const char* name : {"LD_PRELOAD", "PATH", "NOT_LISTED", "BAD-NAME"}) {
    CommandAction denied = Argv({"/usr/bin/env"});
    denied.env = {{name, "x"}};
    EXPECT_EQ(executor.Run(denied).status().code(), StatusCode::kInvalidArgument) << name;
  }
}

TEST(CommandExecutorTest, RunsInWorkingDirWithStdinClosed) {
  CommandExecutor executor;
  CommandAction action = Argv({"/bin/sh", "-c", "pwd; cat"});
  action.working_dir = "/tmp";
  auto outcome = executor.Run(action);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->Succeeded());
  EXPECT_EQ(outcome->stdout_data, "/tmp\n");

  action.working_dir = "/vakt/no/such/dir";
  EXPECT_FALSE(executor.Run(action).ok());
}

TEST(CommandExecutorTest, RejectsMalformedActions) {
  CommandExecutor executor;
  EXPECT_EQ(executor.Run(Argv({})).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(executor.Run(Argv({"/bin/echo", std::string("a\0b", 3)})).status().code(),
            StatusCode::kInvalidArgument);
  CommandAction relative_dir = Argv({"/bin/true"});
  relative_dir.working_dir = "tmp";
  EXPECT_EQ(executor.Run(relative_dir).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vakt::action
