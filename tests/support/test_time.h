#pragma once

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace vakt::test_support {

// At("2026-03-10T12:00:00Z") spells a test's instants the way the specs and fixtures do; a typo in
// a literal fails the test that wrote it instead of silently becoming the epoch.
inline TimeMs At(const char* rfc3339) {
  Result<TimeMs> parsed = ParseRfc3339(rfc3339);
  EXPECT_TRUE(parsed.ok()) << "bad test instant " << rfc3339;
  return parsed.ok() ? *parsed : 0;
}

}  // namespace vakt::test_support
