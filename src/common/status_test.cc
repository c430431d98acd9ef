#include "common/status.h"

#include <gtest/gtest.h>

namespace vakt {
namespace {

Result<int> Half(int value) {
  if (value % 2 != 0) return Status::InvalidArgument("odd");
  return value / 2;
}

Result<int> Quarter(int value) {
  VAKT_ASSIGN_OR_RETURN(int half, Half(value));
  VAKT_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, ToStringNamesCodeAndMessage) {
  EXPECT_EQ(Status::NotFound("incident INC-9").ToString(), "NotFound: incident INC-9");
  EXPECT_EQ(Status::Ok().ToString(), "OK");
}

TEST(StatusTest, AssignOrReturnPropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> odd = Quarter(6);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, WithContextKeepsCode) {
  Status status = Status::Unavailable("timeout").WithContext("posting to sink");
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "posting to sink: timeout");
}

}  // namespace
}  // namespace vakt
