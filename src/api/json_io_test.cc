// The API's text helpers: a CSV field (RFC 4180) round-trips whatever a name holds.
#include "api/json_io.h"

#include <gtest/gtest.h>

namespace suanli::api {
namespace {

TEST(CsvFieldTest, QuotesOnlyWhatNeedsQuotingAndDoublesInnerQuotes) {
  EXPECT_EQ(CsvField("成都智算中心"), "成都智算中心");
  EXPECT_EQ(CsvField("2024Q2"), "2024Q2");
  EXPECT_EQ(CsvField(""), "");
  // The payout export quoted a provider's name without doubling its quotes: a name holding
  // one broke the line into other columns.
  EXPECT_EQ(CsvField("某\"算力\"公司"), "\"某\"\"算力\"\"公司\"");
  EXPECT_EQ(CsvField("甲,乙"), "\"甲,乙\"");
  EXPECT_EQ(CsvField("a\r\nb"), "\"a\r\nb\"");
  EXPECT_EQ(CsvField("\""), "\"\"\"\"");
}

}  // namespace
}  // namespace suanli::api
