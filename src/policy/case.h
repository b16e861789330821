// A case: everything the engine needs to quote one application under one program — who
// applies, from whom they buy, the contract, what has been granted before, and any bills to
// settle. Built from JSON by case_parser.h (schema: docs/case-schema.md). Money is fen.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/cst_time.h"
#include "core/money.h"
#include "core/rate.h"

namespace suanli::policy {

struct CreditRecord {
  bool blacklisted = false;                  // on a credit 黑名单 / serious-dishonesty list
  bool sanction_active = false;              // a dishonesty sanction is still in force
  std::optional<Date> last_dishonesty_on;    // last dishonesty / major-penalty record
};

struct Organisation {
  std::string name;
  std::string uscc;  // validated; empty only for individuals and makers
  std::string type;  // one of OrgTypes()
  std::string region;
  std::optional<Money> prior_year_revenue;
  std::string industry;
  std::vector<std::string> classes;  // e.g. major_project_lead, foundation_model_firm
  CreditRecord credit;
  std::optional<Date> banned_until;    // inclusive: the last day of a ban already imposed
  std::optional<Date> fraud_found_on;  // a fraud finding under this program family
  std::vector<std::string> related_parties;  // names or USCCs of related organisations
};

struct Provider {
  std::string name;
  std::string uscc;  // optional
  std::vector<std::string> tags;
  std::vector<std::string> related_parties;
};

struct Project {
  std::string id;
  std::string level;  // national | provincial
};

struct Contract {
  std::string id;
  Money fee;
  Date signed_on;
  std::optional<Date> start;
  std::optional<Date> end;  // inclusive last day of service
  std::string resource_class;
  std::string chip_origin;  // domestic | imported | "" (unknown)
  bool uses_filed_model = false;  // MaaS / agents on a filed (备案) foundation model
  std::string use_case;
  std::optional<Project> project;
  std::optional<Money> paid;     // actually paid by the applicant
  std::optional<Money> settled;  // actually settled with the provider
  std::optional<Rate> approved_rate;  // an officer's rate under an "up to" ceiling
  std::string discount_class;         // Nanjing: A..E
};

struct History {
  Money org_granted_this_year;
  Money org_granted_cumulative;
  // The same grants by the tier they were granted under, when known: a cap limited to given
  // tiers (Chengdu's 1,000,000 a year, standard tier only) counts only those tiers' grants.
  // Absent: the totals are counted, whatever the tiers.
  std::optional<std::map<std::string, Money>> org_granted_this_year_by_tier;
  std::optional<std::map<std::string, Money>> org_granted_cumulative_by_tier;
  Money project_granted;
  Money contract_granted;
  bool contract_already_applied = false;
  std::optional<Money> pool_remaining;  // absent: the pool is assumed untouched
  std::vector<std::string> one_off_tiers_received;
};

struct Settlement {
  Money bill;
  std::optional<Date> on;
};

struct Case {
  Instant as_of;
  // When the application was made, if before as_of: a decision re-quotes a pending application
  // at the decision (caps, pool, issue day) but checks the application window at the time of
  // applying, so an application made inside the window is not refused because it is decided
  // after it closed. Never after as_of.
  std::optional<Instant> applied_at;
  Organisation organisation;
  Provider provider;
  Contract contract;
  History history;
  std::vector<std::string> other_subsidies;  // other subsidies on the same contract/project
  std::string used_by_uscc;  // who will use the voucher, when not the applicant
  std::vector<Settlement> settlements;
};

}  // namespace suanli::policy
