// Nanjing's experience vouchers on the platform (programs/nanjing-experience.toml, seed 002
// §发放体验券: 时长从24小时至96小时不等,每周发放不少于2400小时, by draw): an officer opens a
// week's draw, organisations enter, an officer runs it — the winners exactly
// policy::DrawExperienceVouchers of the entrant file and the revealed seed, whose SHA-256 was
// published at the opening; every refusal changes no table; the tables come to a database from
// before them; a draw survives a restart.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>

#include "policy/draw.h"
#include "security/digest.h"
#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

constexpr char kNanjing[] = "nanjing-experience";

class PlatformDrawsTest : public testing::DemoVoucherTest {
 protected:
  // The demo at 2024-05-10 (a Friday): its draw is the week of Monday 2024-05-06.
  void SetUp() override {
    DemoVoucherTest::SetUp();
    ASSERT_TRUE(SeedDemo(*platform_).ok());
  }

  // Registers Nanjing organisation `n` of `type` and answers its applicant, signed in.
  Principal NanjingOrg(int n, std::string type = "enterprise") {
    char body[32];
    std::snprintf(body, sizeof body, "91320100MA1N%05d", n);
    char id[32];
    std::snprintf(id, sizeof id, "32010219800101%03d", n % 1000);
    NewOrg org;
    org.uscc = WithUsccCheck(body);
    org.name = "南京示例" + std::to_string(n) + "号智能科技有限公司";
    org.type = std::move(type);
    org.region = "南京";
    org.industry = "artificial_intelligence";
    org.legal_rep_name = "南" + std::to_string(n);
    org.legal_rep_id = WithResidentIdCheck(id);
    org.admin_username = "nj-" + std::to_string(n);
    org.admin_password = kDemoPassword;
    auto created = platform_->RegisterOrg(org);
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    return As(org.admin_username);
  }
  const policy::Experience& Rule() { return *platform_->FindProgram(kNanjing)->experience; }
  Draw Open(std::string week) {
    auto d = platform_->OpenDraw(As("officer"), kNanjing, Date::Parse(week).value());
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    return d.ok() ? *d : Draw{};
  }
  void Enter(const Principal& who, std::int64_t draw) {
    auto d = platform_->EnterDraw(who, draw);
    ASSERT_TRUE(d.ok()) << who.username << ": " << d.error().ToString();
    EXPECT_EQ(d->entered, true);
  }
  // Every row of the draws' tables, the notices and the audit log's length, as text: what a
  // refused step must leave as it was.
  std::string Tables() {
    auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return "";
    const auto column = [&](const std::string& sql) {
      auto q = (*db)->Prepare(sql);
      EXPECT_TRUE(q.ok()) << sql;
      if (!q.ok()) return std::vector<std::string>{};
      storage::Stmt stmt = std::move(q).value();
      auto rows = stmt.TextColumn();
      EXPECT_TRUE(rows.ok()) << sql;
      return rows.ok() ? *rows : std::vector<std::string>{};
    };
    std::string out;
    for (const char* table : {"draws", "draw_entries", "experience_vouchers", "notices", "orgs"}) {
      std::string row = "''";
      for (const std::string& c :
           column(std::string("SELECT name FROM pragma_table_info('") + table + "')")) {
        row += "||'|'||quote(" + c + ")";
      }
      out += std::string(table) + ":\n";
      for (const std::string& r : column("SELECT " + row + " FROM " + table + " ORDER BY rowid")) {
        out += r + "\n";
      }
    }
    for (const std::string& r :
         column("SELECT COUNT(*) || '/' || IFNULL(MAX(seq), 0) FROM audit_log")) {
      out += "audit: " + r;
    }
    return out;
  }
  std::vector<audit::AuditEntry> AuditOf(std::string action) {
    auto page =
        platform_->ListAudit(As("auditor"), audit::AuditFilter{.action = action, .limit = 500});
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    return page.ok() ? page->entries : std::vector<audit::AuditEntry>{};
  }
  // The draw replayed as `suanli draw` replays it: the entrant file's ids with the seed.
  policy::DrawResult Replay(const std::vector<std::int64_t>& org_ids, std::uint64_t seed) {
    std::vector<std::string> entrants;
    for (const std::int64_t id : org_ids) entrants.push_back("org-" + std::to_string(id));
    auto drawn = policy::DrawExperienceVouchers(Rule(), entrants, seed);
    EXPECT_TRUE(drawn.ok());
    return drawn.ok() ? *drawn : policy::DrawResult{};
  }
  static void ExpectSameWinners(const Draw& d, const policy::DrawResult& replay) {
    ASSERT_EQ(d.winners.size(), replay.winners.size());
    for (std::size_t i = 0; i < d.winners.size(); ++i) {
      EXPECT_EQ("org-" + std::to_string(d.winners[i].org_id), replay.winners[i].entrant) << i;
      EXPECT_EQ(d.winners[i].hours, replay.winners[i].hours) << i;
      EXPECT_EQ(d.winners[i].rank, static_cast<int>(i + 1));
    }
    EXPECT_EQ(d.total_hours, replay.total_hours);
    EXPECT_EQ(d.shortfall_hours, replay.shortfall_hours);
  }
};

TEST_F(PlatformDrawsTest, TheDemoHasThisWeeksDrawOpenWithTheUniversityEntered) {
  auto draws = platform_->ListDraws(As("officer"), kNanjing, Page{});
  ASSERT_TRUE(draws.ok()) << draws.error().ToString();
  ASSERT_EQ(draws->size(), 1u);
  const Draw& d = draws->front();
  EXPECT_EQ(d.week.ToString(), "2024-05-06");
  EXPECT_EQ(d.status, "open");
  EXPECT_EQ(d.entrants, 1);
  EXPECT_FALSE(d.seed.has_value());
  EXPECT_EQ(d.seed_sha256.size(), 64u);
  EXPECT_FALSE(d.entered.has_value());  // an officer has no organisation
  auto uni = platform_->GetDraw(As("uni-applicant"), d.id);
  ASSERT_TRUE(uni.ok());
  EXPECT_EQ(uni->entered, true);
  auto firm = platform_->GetDraw(As("demo-applicant"), d.id);
  ASSERT_TRUE(firm.ok());
  EXPECT_EQ(firm->entered, false);
  EXPECT_FALSE(firm->own_voucher.has_value());
  // Another program has no draws; an unknown one is not found.
  EXPECT_TRUE(platform_->ListDraws(As("auditor"), "chengdu-2024", Page{})->empty());
  EXPECT_EQ(platform_->ListDraws(As("auditor"), "nowhere", Page{}).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(platform_->ListDraws(As("op-ai"), kNanjing, Page{}).error().code,
            ErrorCode::kForbidden);
}

TEST_F(PlatformDrawsTest, AHundredEntrantsReachTheWeeksHoursAsTheCliWouldDrawThem) {
  const Draw opened = Open("2024-05-13");
  EXPECT_EQ(opened.status, "open");
  EXPECT_FALSE(opened.seed.has_value());
  std::vector<std::int64_t> org_ids;
  std::vector<Principal> applicants;
  // Entered in an order other than their ids': the draw reads them by id all the same.
  for (int n = 100; n >= 1; --n) {
    applicants.push_back(NanjingOrg(n, n % 3 == 0 ? "university" : "enterprise"));
    Enter(applicants.back(), opened.id);
    org_ids.push_back(*applicants.back().org_id);
  }
  std::sort(org_ids.begin(), org_ids.end());
  auto before = platform_->GetDraw(As("auditor"), opened.id);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->entrants, 100);
  EXPECT_EQ(platform_->DrawEntrantsText(As("auditor"), opened.id).error().code,
            ErrorCode::kStateConflict);  // fixed only when it is run

  auto run = platform_->RunDraw(As("officer"), opened.id);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_EQ(run->status, "drawn");
  ASSERT_TRUE(run->seed.has_value());
  // The seed revealed is the one committed to at the opening.
  EXPECT_EQ(security::Sha256Hex(std::to_string(*run->seed)), opened.seed_sha256);
  EXPECT_EQ(run->seed_sha256, opened.seed_sha256);
  // At least 2,400 hours, nothing short; each voucher 24, 48, 72 or 96 hours.
  EXPECT_GE(run->total_hours.value_or(0), 2400);
  EXPECT_EQ(run->shortfall_hours, 0);
  int sum = 0;
  for (const DrawWinnerRecord& w : run->winners) {
    EXPECT_GE(w.hours, 24);
    EXPECT_LE(w.hours, 96);
    EXPECT_EQ(w.hours % 24, 0);
    sum += w.hours;
  }
  EXPECT_EQ(sum, run->total_hours);
  EXPECT_LT(run->winners.size(), 100u);  // 2,400 hours take at most 100 vouchers of 24
  // Exactly what `suanli draw` gives for the entrant file and the seed.
  ExpectSameWinners(*run, Replay(org_ids, *run->seed));
  std::string file;
  for (const std::int64_t id : org_ids) file += "org-" + std::to_string(id) + "\n";
  auto text = platform_->DrawEntrantsText(As("uni-applicant"), opened.id);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  EXPECT_EQ(*text, file);
  EXPECT_EQ(run->entrants_sha256, security::Sha256Hex(file));
  EXPECT_EQ(run->program_version, 1);

  // The vouchers: every one for the officer, an applicant's own for it.
  auto all = platform_->ListExperienceVouchers(As("auditor"), Page{0, 200});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), run->winners.size());
  const DrawWinnerRecord& first = run->winners.front();
  EXPECT_EQ(all->front().org_id, first.org_id);
  EXPECT_EQ(all->front().hours, first.hours);
  EXPECT_EQ(all->front().week.ToString(), "2024-05-13");
  EXPECT_EQ(all->front().status, "issued");
  const auto winner = std::find_if(applicants.begin(), applicants.end(),
                                   [&](const Principal& p) { return p.org_id == first.org_id; });
  ASSERT_NE(winner, applicants.end());
  auto own = platform_->ListExperienceVouchers(*winner, Page{});
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ(own->front().hours, first.hours);
  EXPECT_TRUE(platform_->ListExperienceVouchers(As("demo-applicant"), Page{})->empty());
  auto seen = platform_->GetDraw(*winner, opened.id);
  ASSERT_TRUE(seen.ok());
  ASSERT_TRUE(seen->own_voucher.has_value());
  EXPECT_EQ(seen->own_voucher->hours, first.hours);
  EXPECT_EQ(seen->entered, true);

  // Audited: the opening without the seed, 100 entries, the run with it, each voucher; every
  // entrant told whether it won.
  const auto opens = AuditOf("draw.open");
  ASSERT_EQ(opens.size(), 2u);  // the demo's and this one
  EXPECT_EQ(opens.back().detail_json.find(std::to_string(*run->seed)), std::string::npos);
  EXPECT_NE(opens.back().detail_json.find(opened.seed_sha256), std::string::npos);
  EXPECT_EQ(AuditOf("draw.enter").size(), 101u);
  const auto runs = AuditOf("draw.run");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_NE(runs.front().detail_json.find("\"seed\":\"" + std::to_string(*run->seed) + "\""),
            std::string::npos);
  EXPECT_NE(runs.front().detail_json.find(run->entrants_sha256), std::string::npos);
  EXPECT_EQ(AuditOf("experience_voucher.issue").size(), run->winners.size());
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM notices WHERE kind = 'draw.won'"),
            static_cast<std::int64_t>(run->winners.size()));
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM notices WHERE kind = 'draw.not_drawn'"),
            100 - static_cast<std::int64_t>(run->winners.size()));
  auto verify = platform_->VerifyAudit(As("auditor"));
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok);
}

TEST_F(PlatformDrawsTest, FewEntrantsAreRaisedTowardNinetySixHoursAndTheShortfallReported) {
  const Draw opened = Open("2024-05-20");
  std::vector<std::int64_t> org_ids;
  for (int n = 1; n <= 3; ++n) {
    const Principal p = NanjingOrg(n, n == 3 ? "research_institute" : "enterprise");
    Enter(p, opened.id);
    org_ids.push_back(*p.org_id);
  }
  auto run = platform_->RunDraw(As("officer"), opened.id);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_EQ(run->winners.size(), 3u);
  for (const DrawWinnerRecord& w : run->winners) EXPECT_EQ(w.hours, 96);
  EXPECT_EQ(run->total_hours, 288);
  EXPECT_EQ(run->shortfall_hours, 2400 - 288);
  ExpectSameWinners(*run, Replay(org_ids, *run->seed));
  EXPECT_EQ(security::Sha256Hex(std::to_string(*run->seed)), opened.seed_sha256);

  // No entrant at all: nothing issued, the whole week short.
  const Draw empty = Open("2024-05-27");
  auto none = platform_->RunDraw(As("officer"), empty.id);
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_TRUE(none->winners.empty());
  EXPECT_EQ(none->total_hours, 0);
  EXPECT_EQ(none->shortfall_hours, 2400);
  EXPECT_EQ(none->entrants_sha256, security::Sha256Hex(""));
}

TEST_F(PlatformDrawsTest, EveryRefusalLeavesTheTablesAsTheyWere) {
  const std::int64_t demo_draw = platform_->ListDraws(As("officer"), kNanjing, Page{})->front().id;
  const Principal intermediary = NanjingOrg(7, "hospital");
  const Principal banned = NanjingOrg(8);
  auto finding =
      platform_->RecordFraud(As("officer"), *banned.org_id, "chengdu-2024", "forged invoices");
  ASSERT_TRUE(finding.ok()) << finding.error().ToString();
  const Draw later = Open("2024-05-13");
  Enter(As("demo-applicant"), later.id);
  auto ran = platform_->RunDraw(As("officer"), later.id);
  ASSERT_TRUE(ran.ok()) << ran.error().ToString();

  // Signed in before: a sign-in is audited too.
  const Principal officer = As("officer"), admin = As("admin"), auditor = As("auditor");
  const Principal firm = As("demo-applicant"), uni = As("uni-applicant");
  const auto date = [](const char* d) { return Date::Parse(d).value(); };
  struct Refusal {
    const char* what;
    std::function<Status()> step;
    ErrorCode code;
    const char* field;
  };
  const auto status = [](auto result) -> Status {
    if (result.ok()) return OkStatus();
    return result.error();
  };
  const std::vector<Refusal> refusals = {
      {"not a Monday",
       [&] { return status(platform_->OpenDraw(officer, kNanjing, date("2024-05-14"))); },
       ErrorCode::kOutOfRange, "week"},
      {"a week already over",
       [&] { return status(platform_->OpenDraw(officer, kNanjing, date("2024-04-29"))); },
       ErrorCode::kOutOfRange, "week"},
      {"a program of another mode",
       [&] { return status(platform_->OpenDraw(officer, "chengdu-2024", date("2024-06-03"))); },
       ErrorCode::kContradiction, "program_id"},
      {"an unknown program",
       [&] { return status(platform_->OpenDraw(officer, "nowhere", date("2024-06-03"))); },
       ErrorCode::kNotFound, "program_id"},
      {"a week opened already",
       [&] { return status(platform_->OpenDraw(officer, kNanjing, date("2024-05-06"))); },
       ErrorCode::kDuplicate, "week"},
      {"an applicant opening",
       [&] { return status(platform_->OpenDraw(firm, kNanjing, date("2024-06-03"))); },
       ErrorCode::kForbidden, ""},
      {"an admin opening",
       [&] { return status(platform_->OpenDraw(admin, kNanjing, date("2024-06-03"))); },
       ErrorCode::kForbidden, ""},
      {"a second entry", [&] { return status(platform_->EnterDraw(uni, demo_draw)); },
       ErrorCode::kDuplicate, "org_id"},
      {"an organisation type the program does not admit",
       [&] { return status(platform_->EnterDraw(intermediary, demo_draw)); },
       ErrorCode::kNotEligible, "org_type"},
      {"a banned organisation", [&] { return status(platform_->EnterDraw(banned, demo_draw)); },
       ErrorCode::kBanned, "org_id"},
      {"an entry after the run", [&] { return status(platform_->EnterDraw(uni, later.id)); },
       ErrorCode::kStateConflict, "draw_id"},
      {"an officer entering", [&] { return status(platform_->EnterDraw(officer, demo_draw)); },
       ErrorCode::kForbidden, ""},
      {"an unknown draw", [&] { return status(platform_->EnterDraw(firm, 999)); },
       ErrorCode::kNotFound, ""},
      {"running twice", [&] { return status(platform_->RunDraw(officer, later.id)); },
       ErrorCode::kStateConflict, "draw_id"},
      {"an applicant running", [&] { return status(platform_->RunDraw(uni, demo_draw)); },
       ErrorCode::kForbidden, ""},
      {"an auditor running", [&] { return status(platform_->RunDraw(auditor, demo_draw)); },
       ErrorCode::kForbidden, ""},
      {"an admin running", [&] { return status(platform_->RunDraw(admin, demo_draw)); },
       ErrorCode::kForbidden, ""},
      {"the entrant file of an open draw",
       [&] { return status(platform_->DrawEntrantsText(officer, demo_draw)); },
       ErrorCode::kStateConflict, "draw_id"},
  };
  for (const Refusal& r : refusals) {
    const std::string before = Tables();
    const Status refused = r.step();
    ASSERT_FALSE(refused.ok()) << r.what;
    EXPECT_EQ(refused.error().code, r.code) << r.what << ": " << refused.error().ToString();
    if (*r.field != '\0') {
      EXPECT_EQ(refused.error().field, r.field) << r.what;
    }
    EXPECT_EQ(Tables(), before) << r.what;
  }
  // The demo's draw is still open with its one entrant, and the firm may still enter it.
  auto d = platform_->GetDraw(officer, demo_draw);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->status, "open");
  EXPECT_EQ(d->entrants, 1);
  Enter(As("demo-applicant"), demo_draw);
}

TEST_F(PlatformDrawsTest, AnOpenDrawSurvivesARestartAndRunsWithTheSeedItPublished) {
  const Draw opened = Open("2024-05-13");
  std::vector<std::int64_t> org_ids;
  for (int n = 1; n <= 12; ++n) {
    const Principal p = NanjingOrg(n);
    Enter(p, opened.id);
    org_ids.push_back(*p.org_id);
  }
  // Sealed at rest: the seed is nowhere in the table until the draw is run.
  EXPECT_EQ(SqlInt("SELECT COUNT(*) FROM draws WHERE seed IS NOT NULL"), 0);
  Reopen();
  auto run = platform_->RunDraw(As("officer"), opened.id);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_EQ(security::Sha256Hex(std::to_string(*run->seed)), opened.seed_sha256);
  ExpectSameWinners(*run, Replay(org_ids, *run->seed));
  Reopen();
  auto again = platform_->GetDraw(As("auditor"), opened.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->seed, run->seed);
  ExpectSameWinners(*again, Replay(org_ids, *run->seed));
}

TEST_F(PlatformDrawsTest, ADatabaseFromBeforeDrawsGetsTheirTables) {
  platform_.reset();
  Sql("DROP TABLE experience_vouchers; DROP TABLE draw_entries; DROP TABLE draws;");
  Reopen();
  EXPECT_TRUE(platform_->ListDraws(As("officer"), kNanjing, Page{})->empty());
  const Draw opened = Open("2024-05-13");
  Enter(As("uni-applicant"), opened.id);
  auto run = platform_->RunDraw(As("officer"), opened.id);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_EQ(run->winners.size(), 1u);
  EXPECT_EQ(run->winners.front().hours, 96);
}

}  // namespace
}  // namespace suanli::workflow
