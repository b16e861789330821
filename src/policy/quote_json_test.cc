// The wire form of a quote and of an error: the keys `suanli quote` promises (docs/case-schema.md).
#include "policy/quote_json.h"

#include <gtest/gtest.h>

#include "policy/policy_testing.h"

namespace suanli::policy {
namespace {

using namespace testing;

TEST(QuoteJsonTest, QuoteCarriesEveryPromisedKey) {
  Case c = ChengduCase();
  c.contract.fee = M("20000.00");
  c.settlements = {{M("8000.00"), {}}};
  const boost::json::object o = QuoteToJson(Quote(Shipped("chengdu-2024"), c));
  for (const char* key : {"program", "eligible", "amount", "amount_display", "tier", "reasons", "steps",
                          "deductions", "expires_at", "validity", "assumptions"}) {
    EXPECT_TRUE(o.contains(key)) << key;
  }
  EXPECT_EQ(o.at("amount").as_string(), "10000.00");
  EXPECT_EQ(o.at("amount_display").as_string(), "¥10,000.00");
  EXPECT_EQ(o.at("expires_at").as_string(), "2024-12-01T00:00:00+08:00");
  const auto& d = o.at("deductions").as_array().at(0).as_object();
  EXPECT_EQ(d.at("deducted").as_string(), "4000.00");
  EXPECT_EQ(d.at("customer_pays").as_string(), "4000.00");
  const auto& reason = o.at("reasons").as_array().at(0).as_object();
  EXPECT_TRUE(reason.contains("clause"));
  EXPECT_EQ(reason.at("result").as_string(), "ok");
}

TEST(QuoteJsonTest, ErrorNamesCodeAndField) {
  const boost::json::object o = ErrorToJson(MakeError(ErrorCode::kUnknownField, "contract.feee", "unknown field"));
  EXPECT_EQ(o.at("error").as_string(), ErrorCodeName(ErrorCode::kUnknownField));
  EXPECT_EQ(o.at("code").as_int64(), 103);
  EXPECT_EQ(o.at("field").as_string(), "contract.feee");
}

TEST(QuoteJsonTest, PrettyJsonRoundTrips) {
  const boost::json::value v = boost::json::object{{"a", boost::json::array{1, "二", nullptr}}, {"b", boost::json::object{}}};
  EXPECT_EQ(boost::json::parse(PrettyJson(v)), v);
}

}  // namespace
}  // namespace suanli::policy
