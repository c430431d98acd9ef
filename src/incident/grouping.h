#pragma once

#include <string>
#include <vector>

#include "model/label_set.h"

namespace vakt::incident {

// GroupKey identifies the incident an alert belongs to: the runbook plus the values of its
// group_by labels (Alertmanager's aggregation-group key). group_by ["..."] groups by every label,
// i.e. one incident per distinct alert. Missing labels group as "".
std::string GroupKey(const std::string& runbook_id, const std::vector<std::string>& group_by,
                     const LabelSet& labels);

// GroupLabels returns the group_by labels' values (only those present).
LabelSet GroupLabels(const std::vector<std::string>& group_by, const LabelSet& labels);

// DefaultGroupBy is used when a runbook does not say: one incident per alert name and pipeline.
const std::vector<std::string>& DefaultGroupBy();

}  // namespace vakt::incident
