// ParseCsv: RFC 4180 as spreadsheets write it, and every malformed file refused on its line.
#include "core/csv.h"

#include <gtest/gtest.h>

namespace suanli {
namespace {

using Cells = std::vector<std::string>;

std::vector<CsvRecord> Parsed(std::string_view text) {
  auto r = ParseCsv(text);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? r.value() : std::vector<CsvRecord>{};
}

void ExpectRefused(std::string_view text, std::string_view field, std::string_view says) {
  auto r = ParseCsv(text);
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
  EXPECT_EQ(r.error().field, field) << r.error().ToString();
  EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
}

TEST(CsvTest, PlainCellsAndLines) {
  const auto rs = Parsed("uscc,scheme\n91510100MA6CGUGA1W,省级技改补助\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].cells, (Cells{"uscc", "scheme"}));
  EXPECT_EQ(rs[0].line, 1);
  EXPECT_EQ(rs[1].cells, (Cells{"91510100MA6CGUGA1W", "省级技改补助"}));
  EXPECT_EQ(rs[1].line, 2);
}

TEST(CsvTest, QuotedCellsKeepCommasQuotesAndLineBreaks) {
  const auto rs = Parsed("a,\"成都市科技项目,2024\",\"某\"\"算力\"\"公司\",\"\"\n"
                         "\"two\r\nlines\",x\n"
                         "last,\"\"\"\"");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].cells, (Cells{"a", "成都市科技项目,2024", "某\"算力\"公司", ""}));
  EXPECT_EQ(rs[1].cells, (Cells{"two\r\nlines", "x"}));
  EXPECT_EQ(rs[1].line, 2);
  EXPECT_EQ(rs[2].line, 4);  // the quoted line break counts as a line
  EXPECT_EQ(rs[2].cells, (Cells{"last", "\""}));
}

TEST(CsvTest, CrlfBomBlankLinesAndEmptyCells) {
  const auto rs = Parsed("\xEF\xBB\xBFh1,h2\r\n\r\n,\r\nx,y");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].cells, (Cells{"h1", "h2"}));  // the BOM is not part of the first cell
  EXPECT_EQ(rs[1].cells, (Cells{"", ""}));
  EXPECT_EQ(rs[1].line, 3);
  EXPECT_EQ(rs[2].cells, (Cells{"x", "y"}));
  EXPECT_EQ(rs[2].line, 4);
  EXPECT_TRUE(Parsed("").empty());
  EXPECT_TRUE(Parsed("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(Parsed("\n\r\n\n").empty());
  // A BOM after the start is data, not skipped.
  EXPECT_EQ(Parsed("a\n\xEF\xBB\xBF" "b")[1].cells, (Cells{"\xEF\xBB\xBF" "b"}));
}

TEST(CsvTest, UnterminatedQuoteNamesTheLineItOpenedOn) {
  ExpectRefused("h\nok\n\"open,\nstill open\nand more", "line 3", "not closed");
  ExpectRefused("\"", "line 1", "not closed");
  ExpectRefused("a,\"b\"\"", "line 1", "not closed");  // "" is a quote, not the end
}

TEST(CsvTest, MalformedQuotesAndCarriageReturnsAreRefusedOnTheirLine) {
  ExpectRefused("h\n\"a\"b,c\n", "line 2", "after a quoted cell");
  ExpectRefused("h\nx\nab\"c\n", "line 3", "inside an unquoted cell");
  ExpectRefused("h\na\rb\n", "line 2", "carriage return");
  ExpectRefused("h\na\r", "line 2", "carriage return");
}

TEST(CsvTest, RefusesMoreRecordsThanTheLimit) {
  std::string text;
  for (std::size_t i = 0; i < kCsvRecordsMax; ++i) text += "x\n";
  auto ok = ParseCsv(text);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), kCsvRecordsMax);
  text += "x\n";
  auto r = ParseCsv(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().field, "line " + std::to_string(kCsvRecordsMax + 1));
}

}  // namespace
}  // namespace suanli
