#include "common/ascii.h"

#include <gtest/gtest.h>

namespace vakt {
namespace {

TEST(AsciiLowerTest, LowersAsciiLettersAndLeavesOtherBytesAlone) {
  EXPECT_EQ(AsciiLower("Content-Type"), "content-type");
  EXPECT_EQ(AsciiLower("X-VAKT-Signature-256"), "x-vakt-signature-256");
  // UTF-8 bytes of non-ASCII letters (high bit set) pass through unchanged.
  EXPECT_EQ(AsciiLower("ØST Ærlig"), "Øst Ærlig");
  EXPECT_EQ(AsciiLower(""), "");
}

}  // namespace
}  // namespace vakt
