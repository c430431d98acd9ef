// scenario_runner executes one escalation scenario file on a FakeClock and fails on any missing
// or unexpected page. Format (one command per line, '#' starts a comment):
//
//   config   oncall/escalation_scenarios.yaml   # relative to --testdata (tests/testdata)
//   start    2026-03-02T10:00:00Z               # the instant "0s" stands for
//   at 0s    trigger INC-1 <policy-id>
//   at 3m    ack INC-1           | resolve INC-1
//   at 10m   crash               # the engine dies: timers stop, in-memory state is lost
//   at 3h    restart             # a new engine is built from the persisted rows only
//   expect   5m..5m1s page bob level 2 [incident INC-1] [loop 0]
//   run      2h                  # simulate until here (default: 24h after the last command)
//
// The runner plays the server's part: it persists each escalation as the JSON row
// escalation::EncodeState produces (with the per-policy round-robin counter) after every change,
// and on `restart` rebuilds the engine from those rows alone. It records every page with its
// idempotency key and fails on a duplicate key. At one instant, commands run before timers, so
// an ack arriving exactly at a deadline wins.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/time_format.h"
#include "escalation/escalation_engine.h"
#include "escalation/escalation_state.h"
#include "escalation/policy.h"

namespace vakt::scenario {
namespace {

using escalation::EscalationState;
using escalation::PageIntent;

struct Command {
  int line = 0;
  TimeMs at = 0;
  std::string verb;  // trigger, ack, resolve, crash, restart
  std::vector<std::string> args;
};

struct Expectation {
  int line = 0;
  TimeMs from = 0;
  TimeMs to = 0;
  std::string user;
  int level = 0;  // 1-based as written
  std::optional<std::string> incident;
  std::optional<int> loop;
  std::string text;
};

struct Scenario {
  std::string file;
  std::string config;
  TimeMs origin = 0;
  std::optional<TimeMs> run_until;
  std::vector<Command> commands;
  std::vector<Expectation> expectations;
};

std::vector<std::string> Split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

Result<TimeMs> Offset(const std::string& text, const std::string& where) {
  Result<TimeMs> value = ParseDuration(text);
  if (!value.ok()) return Status::InvalidArgument(where + ": bad offset \"" + text + "\"");
  return value;
}

Result<Scenario> ParseScenario(const std::string& file) {
  std::ifstream in(file);
  if (!in) return Status::NotFound("cannot read " + file);
  Scenario scenario;
  scenario.file = file;
  scenario.origin = ParseRfc3339("2026-01-05T00:00:00Z").value();
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (const std::size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    const std::vector<std::string> words = Split(line);
    if (words.empty()) continue;
    const std::string where = fmt::format("{}:{}", file, line_number);
    const std::string& keyword = words[0];
    if (keyword == "config" && words.size() == 2) {
      scenario.config = words[1];
    } else if (keyword == "start" && words.size() == 2) {
      Result<TimeMs> origin = ParseRfc3339(words[1]);
      if (!origin.ok()) return Status::InvalidArgument(where + ": " + origin.status().message());
      scenario.origin = *origin;
    } else if (keyword == "run" && words.size() == 2) {
      VAKT_ASSIGN_OR_RETURN(scenario.run_until, Offset(words[1], where));
    } else if (keyword == "at" && words.size() >= 3) {
      Command command;
      command.line = line_number;
      VAKT_ASSIGN_OR_RETURN(command.at, Offset(words[1], where));
      command.verb = words[2];
      command.args.assign(words.begin() + 3, words.end());
      const std::size_t want = command.verb == "trigger" ? 2 : (command.verb == "ack" || command.verb == "resolve") ? 1 : 0;
      const bool known = command.verb == "trigger" || command.verb == "ack" || command.verb == "resolve" ||
                         command.verb == "crash" || command.verb == "restart";
      if (!known || command.args.size() != want) {
        return Status::InvalidArgument(where + ": expected `at T trigger INC POLICY|ack INC|resolve INC|crash|restart`");
      }
      scenario.commands.push_back(std::move(command));
    } else if (keyword == "expect" && words.size() >= 6 && words[2] == "page" && words[4] == "level") {
      Expectation expectation;
      expectation.line = line_number;
      expectation.text = line;
      const std::size_t dots = words[1].find("..");
      VAKT_ASSIGN_OR_RETURN(expectation.from, Offset(words[1].substr(0, dots), where));
      expectation.to = expectation.from;
      if (dots != std::string::npos) {
        VAKT_ASSIGN_OR_RETURN(expectation.to, Offset(words[1].substr(dots + 2), where));
      }
      expectation.user = words[3];
      expectation.level = std::atoi(words[5].c_str());
      for (std::size_t index = 6; index + 1 < words.size(); index += 2) {
        if (words[index] == "incident") {
          expectation.incident = words[index + 1];
        } else if (words[index] == "loop") {
          expectation.loop = std::atoi(words[index + 1].c_str());
        } else {
          return Status::InvalidArgument(where + ": unknown expect option \"" + words[index] + "\"");
        }
      }
      if ((words.size() - 6) % 2 != 0 || expectation.level < 1 || expectation.to < expectation.from) {
        return Status::InvalidArgument(where + ": expected `expect LO..HI page USER level N [incident ID] [loop N]`");
      }
      scenario.expectations.push_back(std::move(expectation));
    } else {
      return Status::InvalidArgument(where + ": cannot parse \"" + line + "\"");
    }
  }
  if (scenario.config.empty()) return Status::InvalidArgument(file + ": missing `config`");
  std::stable_sort(scenario.commands.begin(), scenario.commands.end(),
                   [](const Command& a, const Command& b) { return a.at < b.at; });
  return scenario;
}

// Durable is what survives a crash: the escalation rows and the per-policy round-robin counters.
struct Durable {
  std::map<std::string, std::string> rows;  // incident id -> EncodeState JSON
  std::map<std::string, std::uint64_t> round_robin_counters;
};

class Runner {
 public:
  Runner(Scenario scenario, escalation::OncallConfig config)
      : scenario_(std::move(scenario)), config_(std::move(config)), resolver_(config_.directory),
        clock_(scenario_.origin) {}

  // Run returns the failures (empty = pass).
  std::vector<std::string> Run() {
    TimeMs last = 0;
    for (const Command& command : scenario_.commands) last = std::max(last, command.at);
    for (const Expectation& expectation : scenario_.expectations) last = std::max(last, expectation.to);
    const TimeMs until = scenario_.origin + scenario_.run_until.value_or(last + 24 * 3'600'000LL);
    std::size_t next_command = 0;
    // Bounded: every iteration runs a command or fires at least one level.
    for (int iteration = 0; iteration < 100'000; ++iteration) {
      const TimeMs command_at = next_command < scenario_.commands.size()
                                    ? scenario_.origin + scenario_.commands[next_command].at
                                    : std::numeric_limits<TimeMs>::max();
      const TimeMs due_at = NextDue();
      // Overdue timers (after a restart) fire now: the clock never runs backwards.
      const TimeMs next = std::max(clock_.NowMs(), std::min(command_at, due_at));
      if (next > until) break;
      clock_.Set(next);
      if (command_at <= std::max(due_at, clock_.NowMs())) {
        Apply(scenario_.commands[next_command++]);
      } else {
        FireDue();
      }
    }
    CheckExpectations();
    return failures_;
  }

  void PrintLog(std::ostream& out) const {
    out << "pages sent:\n";
    for (const PageIntent& page : pages_) {
      out << fmt::format("  {:>8}  {:<8} level {} loop {}  {:<10} via {}  [{}]\n",
                         FormatDuration(page.fired_at - scenario_.origin), page.incident_id, page.level + 1,
                         page.loop, page.user, page.target, page.idempotency_key);
    }
    for (const std::string& note : notes_) out << "  note: " << note << "\n";
  }

 private:
  TimeMs NextDue() const {
    TimeMs due = std::numeric_limits<TimeMs>::max();
    if (!up_) return due;
    for (const auto& [incident, state] : live_) {
      if (state.next_due_at) due = std::min(due, *state.next_due_at);
    }
    return due;
  }

  void Persist(const EscalationState& state) {
    live_[state.incident_id] = state;
    durable_.rows[state.incident_id] = escalation::EncodeState(state);
  }

  void Fail(int line, const std::string& message) {
    failures_.push_back(fmt::format("{}:{}: {}", scenario_.file, line, message));
  }

  void Apply(const Command& command) {
    const TimeMs now = clock_.NowMs();
    if (command.verb == "restart") {
      // A new engine: only what was persisted.
      live_.clear();
      for (const auto& [incident, row] : durable_.rows) {
        Result<EscalationState> state = escalation::DecodeState(row);
        if (!state.ok()) {
          Fail(command.line, "cannot decode persisted state: " + state.status().ToString());
          continue;
        }
        live_[incident] = *state;
      }
      up_ = true;
      return;
    }
    if (!up_) {
      Fail(command.line, "`" + command.verb + "` while the engine is down (crash without restart)");
      return;
    }
    if (command.verb == "crash") {
      up_ = false;
      live_.clear();
      return;
    }
    const std::string& incident = command.args[0];
    if (command.verb == "trigger") {
      const escalation::EscalationPolicy* policy = config_.FindPolicy(command.args[1]);
      if (policy == nullptr) {
        Fail(command.line, "unknown policy " + command.args[1]);
        return;
      }
      if (live_.count(incident)) {
        Fail(command.line, "incident " + incident + " already triggered");
        return;
      }
      const std::uint64_t offset = durable_.round_robin_counters[policy->id]++;
      Persist(escalation::StartEscalation(*policy, incident, now, offset));
      return;
    }
    auto it = live_.find(incident);
    if (it == live_.end()) {
      Fail(command.line, "unknown incident " + incident);
      return;
    }
    Persist(command.verb == "ack" ? escalation::Acknowledge(it->second, now)
                                  : escalation::Resolve(it->second, now));
  }

  void FireDue() {
    const TimeMs now = clock_.NowMs();
    std::vector<EscalationState> due;
    for (const auto& [incident, state] : live_) {
      if (state.next_due_at && *state.next_due_at <= now) due.push_back(state);
    }
    for (const EscalationState& state : due) {
      const escalation::EscalationPolicy* policy = config_.FindPolicy(state.policy_id);
      if (policy == nullptr) {
        Fail(0, "policy " + state.policy_id + " disappeared");
        live_.erase(state.incident_id);
        continue;
      }
      Result<escalation::StepResult> result = escalation::Advance(*policy, state, now, resolver_);
      if (!result.ok()) {
        Fail(0, result.status().ToString());
        live_.erase(state.incident_id);
        continue;
      }
      for (const PageIntent& page : result->pages) {
        if (!sent_keys_.insert(page.idempotency_key).second) {
          Fail(0, "duplicate page " + page.idempotency_key + " at " + FormatDuration(now - scenario_.origin));
        }
        pages_.push_back(page);
      }
      notes_.insert(notes_.end(), result->notes.begin(), result->notes.end());
      Persist(result->state);
    }
  }

  void CheckExpectations() {
    std::vector<bool> matched(pages_.size(), false);
    for (const Expectation& expectation : scenario_.expectations) {
      bool found = false;
      for (std::size_t index = 0; index < pages_.size() && !found; ++index) {
        const PageIntent& page = pages_[index];
        const TimeMs offset = page.fired_at - scenario_.origin;
        if (matched[index] || page.user != expectation.user || page.level + 1 != expectation.level ||
            offset < expectation.from || offset > expectation.to ||
            (expectation.incident && *expectation.incident != page.incident_id) ||
            (expectation.loop && *expectation.loop != page.loop)) {
          continue;
        }
        matched[index] = found = true;
      }
      if (!found) Fail(expectation.line, "missing page: " + expectation.text);
    }
    for (std::size_t index = 0; index < pages_.size(); ++index) {
      if (matched[index]) continue;
      const PageIntent& page = pages_[index];
      Fail(0, fmt::format("unexpected page at {}: {} level {} loop {} incident {}",
                          FormatDuration(page.fired_at - scenario_.origin), page.user, page.level + 1, page.loop,
                          page.incident_id));
    }
  }

  Scenario scenario_;
  escalation::OncallConfig config_;
  escalation::DirectoryResolver resolver_;
  FakeClock clock_;
  bool up_ = true;
  Durable durable_;
  std::map<std::string, EscalationState> live_;
  std::vector<PageIntent> pages_;
  std::set<std::string> sent_keys_;
  std::vector<std::string> notes_;
  std::vector<std::string> failures_;
};

int Main(int argc, char** argv) {
  std::string file;
  std::string testdata = "tests/testdata";
  for (int index = 1; index < argc; ++index) {
    const std::string arg = argv[index];
    if (arg == "--testdata" && index + 1 < argc) {
      testdata = argv[++index];
    } else if (file.empty()) {
      file = arg;
    } else {
      std::cerr << "usage: scenario_runner FILE.scenario [--testdata DIR]\n";
      return 2;
    }
  }
  if (file.empty()) {
    std::cerr << "usage: scenario_runner FILE.scenario [--testdata DIR]\n";
    return 2;
  }
  Result<Scenario> scenario = ParseScenario(file);
  if (!scenario.ok()) {
    std::cerr << scenario.status().ToString() << "\n";
    return 2;
  }
  Result<escalation::OncallConfig> config = escalation::LoadOncallConfig(testdata + "/" + scenario->config);
  if (!config.ok()) {
    std::cerr << config.status().ToString() << "\n";
    return 2;
  }
  if (scenario->expectations.empty()) {
    std::cerr << file << ": a scenario must expect at least one page\n";
    return 2;
  }
  Runner runner(std::move(*scenario), std::move(*config));
  const std::vector<std::string> failures = runner.Run();
  runner.PrintLog(std::cout);
  for (const std::string& failure : failures) std::cout << "FAIL " << failure << "\n";
  std::cout << (failures.empty() ? "PASS " : "FAILED ") << file << "\n";
  return failures.empty() ? 0 : 1;
}

}  // namespace
}  // namespace vakt::scenario

int main(int argc, char** argv) { return vakt::scenario::Main(argc, argv); }
