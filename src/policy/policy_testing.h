// Helpers for the policy tests: load a shipped program, build a valid case and read a quote.
// Tests run from the repository root (suanli_test sets WORKING_DIRECTORY), so programs/ and
// src/policy/testdata/ are relative paths.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "policy/case.h"
#include "policy/program_loader.h"
#include "policy/quote.h"

namespace suanli::policy::testing {

inline constexpr char kApplicantUscc[] = "91510100MA61R1234W";
inline constexpr char kOtherUscc[] = "91350100M000100Y43";

inline Program Shipped(const std::string& id) {
  auto p = LoadProgramFile("programs/" + id + ".toml");
  if (!p.ok()) {
    ADD_FAILURE() << id << ": " << p.error().ToString();
    return Program{};
  }
  return *p;
}

inline Money M(const char* text) {
  auto m = Money::Parse(text);
  EXPECT_TRUE(m.ok()) << text;
  return m.ok() ? *m : Money::Zero();
}

inline Date D(const char* text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Date{};
}

inline Instant T(const char* text) {
  auto t = Instant::Parse(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : Instant{};
}

// An eligible Chengdu 2024 case: revenue 12,000,000, contract 100,000 with 成都智算中心.
inline Case ChengduCase() {
  Case c;
  c.as_of = T("2024-03-15T10:00:00+08:00");
  c.organisation.name = "成都示例科技有限公司";
  c.organisation.uscc = kApplicantUscc;
  c.organisation.type = "enterprise";
  c.organisation.region = "成都";
  c.organisation.prior_year_revenue = M("12000000.00");
  c.provider.name = "成都智算中心";
  c.contract.id = "CD-2024-001";
  c.contract.fee = M("100000.00");
  c.contract.signed_on = D("2024-03-01");
  c.contract.start = D("2024-03-01");
  c.contract.end = D("2024-11-30");
  c.contract.resource_class = "intelligent_compute";
  c.contract.chip_origin = "domestic";
  return c;
}

// The failed reason with `code`, or nullptr.
inline const Reason* Failed(const QuoteResult& r, const std::string& code) {
  for (const auto& x : r.reasons) {
    if (x.code == code && !x.ok) return &x;
  }
  return nullptr;
}

inline const Step* FindStep(const QuoteResult& r, const std::string& name) {
  for (const auto& s : r.steps) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// "code: message" of every failed reason, for test failure output.
inline std::string Failures(const QuoteResult& r) {
  std::string out;
  for (const auto& x : r.reasons) {
    if (!x.ok) out += x.code + ": " + x.message + "; ";
  }
  return out;
}

}  // namespace suanli::policy::testing
