#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dispatch/selector_index.h"
#include "model/label_set.h"
#include "runbook/runbook_set.h"

namespace vakt::dispatch {

// SelectorVerdict explains one selector against one alert.
struct SelectorVerdict {
  std::string selector;  // PromQL-style text, e.g. alertname=~"FeatureDrift|PredictionDrift"
  std::string value;     // the alert's value for the label ("" when missing)
  bool present = false;  // whether the alert has the label at all
  bool matched = false;
};

// RunbookVerdict explains one runbook: whether all its selectors matched, whether the search
// reached it (an earlier match without continue stops it) and whether it was selected.
struct RunbookVerdict {
  const runbook::Runbook* runbook = nullptr;
  bool matched = false;     // every selector matched
  bool considered = false;  // the ordered search reached this runbook
  bool selected = false;    // matched && considered
  std::string stopped_by;   // when !considered: id of the runbook that stopped the search
  std::vector<SelectorVerdict> selectors;
};

// Explanation is the "why this runbook" answer for one alert, in match order.
struct Explanation {
  std::vector<RunbookVerdict> runbooks;
  std::vector<const runbook::Runbook*> selected;  // same as RunbookMatcher::Match
  bool used_default = false;                      // nothing matched; the default runbook was used
  // ToString renders a human-readable report (what `vakt runbook test` prints).
  std::string ToString() const;
};

// RunbookMatcher selects the runbooks for an alert's labels: ordered first match with explicit
// continue (Alertmanager route semantics), falling back to the set's default (triage) runbook so
// no alert is dropped. Built once per RunbookSet (reload builds a new matcher and swaps it).
// Immutable after Build; safe for concurrent use. Keeps the RunbookSet alive.
class RunbookMatcher {
 public:
  static RunbookMatcher Build(std::shared_ptr<const runbook::RunbookSet> set);

  // Match returns the selected runbooks in order: the matches up to and including the first
  // without continue; else the default runbook; else nothing (a set without a default).
  std::vector<const runbook::Runbook*> Match(const LabelSet& labels) const;
  // Explain evaluates every runbook linearly and reports each selector; for humans, not hot paths.
  Explanation Explain(const LabelSet& labels) const;

  const runbook::RunbookSet& runbooks() const { return *set_; }
  const SelectorIndex& index() const { return index_; }

 private:
  std::shared_ptr<const runbook::RunbookSet> set_;
  std::vector<const runbook::Runbook*> routed_;  // route id → runbook (default runbook excluded)
  SelectorIndex index_;
};

}  // namespace vakt::dispatch
