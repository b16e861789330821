// Cases are parsed whole or refused with the field named; never a partial answer.
#include "policy/case_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

namespace suanli::policy {
namespace {

namespace json = boost::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The documented Chengdu example with `edit` applied to its JSON tree.
template <typename Edit>
Result<Case> Edited(Edit edit) {
  json::value v = json::parse(ReadFile("programs/cases/chengdu-2024.json"));
  edit(v.as_object());
  return ParseCase(json::serialize(v));
}

void ExpectRefused(const Result<Case>& r, ErrorCode code, const std::string& field) {
  ASSERT_FALSE(r.ok()) << "expected refusal at " << field;
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  EXPECT_EQ(r.error().field, field) << r.error().ToString();
}

TEST(CaseParserTest, ParsesTheDocumentedExample) {
  auto r = ParseCase(ReadFile("programs/cases/chengdu-2024.json"));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->organisation.uscc, "91510100MA61R1234W");
  EXPECT_EQ(r->contract.fee.fen(), 2000000);
  EXPECT_EQ(r->contract.signed_on.ToString(), "2024-03-01");
  ASSERT_EQ(r->settlements.size(), 3u);
  EXPECT_EQ(r->settlements[2].on->ToString(), "2024-06-30");
  EXPECT_FALSE(r->contract.project.has_value());
  EXPECT_EQ(r->history.pool_remaining->fen(), 1000000000);
}

TEST(CaseParserTest, MalformedJson) {
  ExpectRefused(ParseCase("{\"as_of\": "), ErrorCode::kParse, "");
  ExpectRefused(ParseCase("[]"), ErrorCode::kWrongType, "");
}

TEST(CaseParserTest, UnknownFields) {
  ExpectRefused(Edited([](json::object& o) { o["bonus"] = 1; }), ErrorCode::kUnknownField, "bonus");
  ExpectRefused(Edited([](json::object& o) { o["contract"].as_object()["feee"] = "1.00"; }),
                ErrorCode::kUnknownField, "contract.feee");
}

TEST(CaseParserTest, WrongTypes) {
  ExpectRefused(Edited([](json::object& o) { o["contract"].as_object()["fee"] = 20000.0; }),
                ErrorCode::kWrongType, "contract.fee");
  ExpectRefused(Edited([](json::object& o) { o["organisation"].as_object()["classes"] = "x"; }),
                ErrorCode::kWrongType, "organisation.classes");
  ExpectRefused(Edited([](json::object& o) { o["settlements"].as_array()[1] = 5; }),
                ErrorCode::kWrongType, "settlements[1]");
}

TEST(CaseParserTest, NegativeOverflowingAndMalformedAmounts) {
  ExpectRefused(Edited([](json::object& o) { o["contract"].as_object()["fee"] = "-1.00"; }),
                ErrorCode::kNegativeAmount, "contract.fee");
  ExpectRefused(Edited([](json::object& o) { o["contract"].as_object()["fee"] = "99999999999999999999.00"; }),
                ErrorCode::kOverflow, "contract.fee");
  ExpectRefused(Edited([](json::object& o) { o["contract"].as_object()["fee"] = "20000000000000.00"; }),
                ErrorCode::kOutOfRange, "contract.fee");
  ExpectRefused(Edited([](json::object& o) { o["settlements"].as_array()[0].as_object()["bill"] = "1.005"; }),
                ErrorCode::kParse, "settlements[0].bill");
}

TEST(CaseParserTest, InvalidUscc) {
  ExpectRefused(Edited([](json::object& o) { o["organisation"].as_object()["uscc"] = "91510100MA61R1234X"; }),
                ErrorCode::kInvalidCode, "organisation.uscc");
  ExpectRefused(Edited([](json::object& o) { o["organisation"].as_object().erase("uscc"); }),
                ErrorCode::kMissingField, "organisation.uscc");
}

TEST(CaseParserTest, ImpossibleDates) {
  ExpectRefused(Edited([](json::object& o) { o["contract"].as_object()["signed_on"] = "2023-02-29"; }),
                ErrorCode::kInvalidDate, "contract.signed_on");
  ExpectRefused(Edited([](json::object& o) { o["as_of"] = "2024-13-01T00:00:00+08:00"; }),
                ErrorCode::kInvalidDate, "as_of");
  ExpectRefused(Edited([](json::object& o) { o["contract"].as_object()["end"] = "2024-02-01"; }),
                ErrorCode::kContradiction, "contract.start");
}

TEST(CaseParserTest, AppliedAtIsAnInstantNoLaterThanAsOf) {
  auto decided = Edited([](json::object& o) {
    o["as_of"] = "2024-11-30T09:00:00+08:00";
    o["applied_at"] = "2024-11-29T22:00:00+08:00";
  });
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  ASSERT_TRUE(decided->applied_at.has_value());
  EXPECT_EQ(decided->applied_at->ToString(), "2024-11-29T22:00:00+08:00");
  ExpectRefused(Edited([](json::object& o) { o["applied_at"] = "2024-11-31T00:00:00+08:00"; }),
                ErrorCode::kInvalidDate, "applied_at");
  ExpectRefused(Edited([](json::object& o) { o["applied_at"] = "2099-01-01T00:00:00+08:00"; }),
                ErrorCode::kContradiction, "applied_at");
  EXPECT_FALSE(Edited([](json::object&) {})->applied_at.has_value());
}

TEST(CaseParserTest, ClosedVocabularies) {
  ExpectRefused(Edited([](json::object& o) { o["contract"].as_object()["resource_class"] = "gpu"; }),
                ErrorCode::kOutOfRange, "contract.resource_class");
  ExpectRefused(Edited([](json::object& o) { o["organisation"].as_object()["type"] = "company"; }),
                ErrorCode::kOutOfRange, "organisation.type");
  ExpectRefused(Edited([](json::object& o) {
                  o["contract"].as_object()["project"] = json::object{{"id", "P"}, {"level", "city"}};
                }),
                ErrorCode::kOutOfRange, "contract.project.level");
}

TEST(CaseParserTest, MissingRequired) {
  ExpectRefused(Edited([](json::object& o) { o.erase("contract"); }), ErrorCode::kMissingField, "contract");
  ExpectRefused(Edited([](json::object& o) { o["contract"].as_object().erase("signed_on"); }),
                ErrorCode::kMissingField, "contract.signed_on");
}

TEST(CaseParserTest, IndividualsNeedNoUscc) {
  auto r = Edited([](json::object& o) {
    auto& org = o["organisation"].as_object();
    org["type"] = "individual";
    org.erase("uscc");
  });
  ASSERT_TRUE(r.ok()) << r.error().ToString();
}

// Grants by tier are parts of the totals: a total not given is their sum, one given may not be
// less than their sum.
TEST(CaseParserGrantsByTier, PartsOfTheTotals) {
  const std::string head = R"({"as_of":"2024-03-15T10:00:00+08:00","organisation":{"uscc":"91510100MA61R1234W","type":"enterprise"},"provider":{"name":"p"},"contract":{"id":"c","fee":"1.00","signed_on":"2024-03-01","resource_class":"compute"},"history":)";
  auto c = ParseCase(head + R"({"org_granted_cumulative":"15.00","org_granted_this_year_by_tier":{"standard":"10.00","national_project":"5.00"}}})");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->history.org_granted_this_year.fen(), 1500);
  EXPECT_EQ(c->history.org_granted_this_year_by_tier->at("standard").fen(), 1000);
  auto bad = ParseCase(head + R"({"org_granted_this_year":"12.00","org_granted_cumulative":"12.00","org_granted_this_year_by_tier":{"standard":"10.00","national_project":"5.00"}}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "history.org_granted_this_year_by_tier");
  auto typed = ParseCase(head + R"({"org_granted_cumulative_by_tier":{"standard":10}}})");
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.error().field, "history.org_granted_cumulative_by_tier.standard");
}

}  // namespace
}  // namespace suanli::policy
