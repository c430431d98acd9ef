#include "common/redact.h"

#include <gtest/gtest.h>

namespace vakt {
namespace {

TEST(RedactTest, PasswordsInUrlsAreMasked) {
  EXPECT_EQ(RedactUrlCredentials("postgres://vakt:s3cr3t@127.0.0.1:5432/db"),
            "postgres://vakt:<secret>@127.0.0.1:5432/db");
  EXPECT_EQ(RedactUrlCredentials("database: postgresql://u:p%40ss@h/db\nweb: x"),
            "database: postgresql://u:<secret>@h/db\nweb: x");
  EXPECT_EQ(RedactUrlCredentials("http://127.0.0.1:8080/api"), "http://127.0.0.1:8080/api");
  EXPECT_EQ(RedactUrlCredentials("postgres://vakt@127.0.0.1:5432/db"),
            "postgres://vakt@127.0.0.1:5432/db");
}

TEST(RedactTest, UntrustedBytesBecomeEscapes) {
  EXPECT_EQ(PrintableForMessage("a\xff\n"), "a\\xff\\x0a");
  EXPECT_EQ(PrintableForMessage(std::string(300, 'x'), 4), "xxxx...");
}

}  // namespace
}  // namespace vakt
