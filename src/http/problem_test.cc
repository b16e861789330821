#include "http/problem.h"

#include <gtest/gtest.h>

namespace suanli::http {
namespace {

TEST(Problem, Rfc9457BodyWithFieldWhenGiven) {
  Response r = Problem(422, "missing_field", 101, "Missing field", "say \"why\"", "org.uscc");
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body,
            R"({"type":"https://suanli.dev/problems/missing_field","title":"Missing field",)"
            R"("status":422,"detail":"say \"why\"","code":101,"field":"org.uscc"})");
}

TEST(Problem, FieldOmittedWhenEmptyAndControlCharsEscaped) {
  Response r = Problem(404, "not_found", 901, "Not Found", "line\nbreak\x01");
  EXPECT_EQ(r.body,
            R"({"type":"https://suanli.dev/problems/not_found","title":"Not Found",)"
            R"("status":404,"detail":"line\nbreak\u0001","code":901})");
}

}  // namespace
}  // namespace suanli::http
