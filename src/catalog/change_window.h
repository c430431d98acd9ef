#pragma once

#include <string_view>

#include "catalog/catalog.h"
#include "common/clock.h"

namespace vakt::catalog {

// InsideChangeWindow says whether instant `now` falls inside any of the pipeline's change
// windows. Each window opens at its local start time (tz database, DST-aware) on each listed
// weekday and stays open for its duration of elapsed time, so a 4h window across a DST change is
// still four real hours. A start time that does not exist locally (skipped by a spring-forward
// gap) opens the window at the end of the gap; an ambiguous one (fall-back) at its first
// occurrence. Pure; time zones were validated when the catalogue was loaded.
bool InsideChangeWindow(const Pipeline& pipeline, TimeMs now);

// InsideWindow is InsideChangeWindow for one window.
bool InsideWindow(const ChangeWindow& window, TimeMs now);

// ValidTimeZone reports whether `name` is in the system tz database.
bool ValidTimeZone(std::string_view name);

}  // namespace vakt::catalog
