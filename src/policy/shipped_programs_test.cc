// Every shipped program loads, is named after its file, cites a clause on every rule, and its
// documented example case (programs/cases/<id>.json, shown in docs/case-schema.md) is eligible.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "policy/case_parser.h"
#include "policy/program_loader.h"
#include "policy/program_text.h"
#include "policy/quote.h"

namespace suanli::policy {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> ProgramFiles() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator("programs")) {
    if (e.path().extension() == ".toml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ShippedProgramsTest, AllNineShipped) {
  std::set<std::string> ids;
  for (const auto& f : ProgramFiles()) ids.insert(f.stem().string());
  for (const char* id : {"chengdu-2024", "nanjing-experience", "wuxi", "yangzhou", "beijing", "qingyang",
                         "nanning-2025", "langfang", "hangzhou"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
}

TEST(ShippedProgramsTest, EveryProgramLoadsAndItsExampleIsEligible) {
  for (const auto& f : ProgramFiles()) {
    SCOPED_TRACE(f.string());
    auto p = LoadProgramFile(f.string());
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    EXPECT_EQ(p->id, f.stem().string()) << "program.id must match the file name";
    EXPECT_FALSE(ProgramToText(*p).empty());
    const fs::path example = fs::path("programs/cases") / (p->id + ".json");
    std::ifstream in(example);
    ASSERT_TRUE(in) << "missing example case " << example;
    std::stringstream ss;
    ss << in.rdbuf();
    auto c = ParseCase(ss.str());
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    const QuoteResult r = Quote(*p, *c);
    std::string failed;
    for (const auto& x : r.reasons) {
      if (!x.ok) failed += x.code + ": " + x.message + "; ";
    }
    EXPECT_TRUE(r.eligible) << failed;
    EXPECT_GT(r.amount, Money::Zero());
    // Every rule the file marks `assumed = true` is listed, with its note and clause, in every
    // quote (counted from the file's text, not from the loader's own list, which Quote copies).
    std::ifstream toml(f);
    std::size_t marked = 0;
    for (std::string line; std::getline(toml, line);) {
      if (line.rfind("assumed = true", 0) == 0) ++marked;
    }
    EXPECT_EQ(r.assumptions.size(), marked);
    for (const auto& a : r.assumptions) {
      EXPECT_FALSE(a.rule.empty());
      EXPECT_FALSE(a.note.empty()) << a.rule;
      EXPECT_FALSE(a.clause.empty()) << a.rule;
    }
  }
}

}  // namespace
}  // namespace suanli::policy
