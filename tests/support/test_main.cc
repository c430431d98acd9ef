// The gtest main of every vakt test binary. It exports the fixture locations as environment
// variables (unless already set), so tests and the programs they spawn find them the same way.
#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  ::setenv("VAKT_SOURCE_DIR", VAKT_SOURCE_DIR_DEFAULT, /*overwrite=*/0);
  ::setenv("VAKT_SHARED_DIR", VAKT_SHARED_DIR_DEFAULT, 0);
  ::setenv("VAKT_BINARY_DIR", VAKT_BINARY_DIR_DEFAULT, 0);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
