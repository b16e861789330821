// Experience vouchers by weekly draw (Nanjing, seed 002 §发放体验券: 时长从24小时至96小时不等,
// 每周发放不少于2400小时): an officer opens a week's draw, organisations enter it, an officer
// runs it. The draw itself is policy::DrawExperienceVouchers, a pure function of the entrants
// and a seed; this file makes it commit–reveal: the server draws the seed when the draw opens
// and publishes only its SHA-256, so nobody who sees who entered can choose the seed; running
// the draw reveals it with the SHA-256 of the entrant file it read, so anyone can replay the
// draw with `suanli draw` and get the same winners.
//
// Invariants (each step checks the ones it could break):
//  1. A draw is open or drawn; it moves open → drawn once, and only an open draw takes entries.
//  2. SHA-256(decimal seed) = seed_sha256 from the opening on; the seed leaves the server
//     (API, audit log, notices) only once the draw is drawn.
//  3. A drawn draw's experience vouchers are exactly DrawExperienceVouchers(rule, entrant file,
//     seed): one per winner, rank = its place in the draw order, hours within the rule.
#include <algorithm>
#include <charconv>
#include <map>

#include "core/check.h"
#include "policy/draw.h"
#include "security/digest.h"
#include "security/token.h"
#include "workflow/experience_rows.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);  // orgs.cc
Status RequireNotBanned(const Org& org, Instant now);       // contracts.cc
Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en);

namespace {

constexpr const char* kSelectDraw =
    "SELECT d.id, d.program_id, d.week, d.status, d.seed_sha256, d.seed, d.opened_at_us, "
    "d.drawn_at_us, d.total_hours, d.shortfall_hours, COALESCE(d.entrants_sha256, ''), "
    "d.program_version, (SELECT COUNT(*) FROM draw_entries e WHERE e.draw_id = d.id) "
    "FROM draws d ";


// The seed in the one form everybody uses: its decimal digits, as `suanli draw --seed` takes
// it; the published digest is the SHA-256 of exactly these bytes (`printf %s SEED | sha256sum`).
std::string SeedDigest(std::uint64_t seed) { return security::Sha256Hex(std::to_string(seed)); }

std::optional<std::uint64_t> ParseSeed(std::string_view text) {
  std::uint64_t seed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return seed;
}

// 64 bits from OpenSSL's CSPRNG: the officer who opens the draw never chooses it.
std::uint64_t NewSeed() {
  const std::string bytes = security::RandomBytes(sizeof(std::uint64_t));
  std::uint64_t seed = 0;
  for (const char b : bytes) seed = (seed << 8) | static_cast<unsigned char>(b);
  return seed;
}

std::string SeedBinding(std::int64_t draw_id) {
  return "draw/" + std::to_string(draw_id) + "/seed";
}

// An entrant's id in the entrant file: "org-<id>".
std::string EntrantId(std::int64_t org_id) { return "org-" + std::to_string(org_id); }

// Days since 1970-01-01 (a Thursday): Monday is 4 days on.
bool IsMonday(Date d) { return ((d.days() - 4) % 7 + 7) % 7 == 0; }

std::string_view WeekdayName(Date d) {
  static constexpr std::string_view kNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};
  return kNames[((d.days() - 4) % 7 + 7) % 7];
}

Draw ReadDraw(const storage::Stmt& q) {
  Draw d;
  d.id = q.Int(0);
  d.program_id = q.Text(1);
  d.week = Date::Parse(q.Text(2)).value();
  d.status = q.Text(3);
  d.seed_sha256 = q.Text(4);
  if (const auto seed = q.OptText(5)) d.seed = ParseSeed(*seed);
  d.opened_at = Instant::FromMicros(q.Int(6));
  if (const auto at = q.OptInt(7)) d.drawn_at = Instant::FromMicros(*at);
  d.total_hours = q.OptInt(8);
  d.shortfall_hours = q.OptInt(9);
  d.entrants_sha256 = q.Text(10);
  d.program_version = q.OptInt(11);
  d.entrants = q.Int(12);
  return d;
}

Result<Draw> LoadDraw(storage::Db& db, std::int64_t draw_id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectDraw) + "WHERE d.id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, draw_id).Step());
  if (!row) return NotFound("draw", draw_id);
  return ReadDraw(q);
}

DrawWinnerRecord WinnerOf(const ExperienceVoucher& x) {
  return DrawWinnerRecord{x.id, x.org_id, x.org_name, x.rank, x.hours};
}

// The draw's vouchers in draw order (org_id: one organisation's only).
Result<std::vector<DrawWinnerRecord>> LoadWinners(storage::Db& db, std::int64_t draw_id,
                                                  std::optional<std::int64_t> org_id = {}) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectExperienceVoucher) +
                                   "WHERE x.draw_id = ?1 AND (?2 IS NULL OR x.org_id = ?2) "
                                   "ORDER BY x.draw_rank"));
  q.Bind(1, draw_id).Bind(2, org_id);
  SUANLI_ASSIGN(const auto vouchers, ReadExperienceVouchers(q));
  std::vector<DrawWinnerRecord> out;
  for (const ExperienceVoucher& x : vouchers) out.push_back(WinnerOf(x));
  return out;
}

// What an applicant sees of a draw besides everyone's view: whether its organisation entered
// and the voucher it won.
Status AddApplicantView(storage::Db& db, const Principal& actor, Draw& d) {
  if (actor.role != Role::kApplicant) return OkStatus();
  const std::int64_t org_id = actor.org_id.value_or(-1);
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT 1 FROM draw_entries WHERE draw_id = ?1 AND "
                                   "org_id = ?2"));
  SUANLI_ASSIGN(const bool entered, q.Bind(1, d.id).Bind(2, org_id).Step());
  d.entered = entered;
  SUANLI_ASSIGN(const auto own, LoadWinners(db, d.id, org_id));
  if (!own.empty()) d.own_voucher = own.front();
  return OkStatus();
}

// The draw as `actor` reads it: with its winners once drawn (`with_winners`).
Result<Draw> ViewDraw(storage::Db& db, const Principal& actor, std::int64_t draw_id,
                      bool with_winners) {
  SUANLI_ASSIGN(Draw d, LoadDraw(db, draw_id));
  if (with_winners && d.status == "drawn") {
    SUANLI_ASSIGN(d.winners, LoadWinners(db, d.id));
  }
  SUANLI_TRY(AddApplicantView(db, actor, d));
  return d;
}

// The entrants' organisations in the fixed order the draw reads them: by org id.
Result<std::vector<std::int64_t>> EntrantOrgs(storage::Db& db, std::int64_t draw_id) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT org_id FROM draw_entries WHERE draw_id = ?1 "
                                   "ORDER BY org_id"));
  q.Bind(1, draw_id);
  return q.IntColumn();
}

// The entrant file as `suanli draw --entrants` reads it: one id a line, each ending in "\n".
std::string EntrantsText(const std::vector<std::int64_t>& orgs) {
  std::string text;
  for (const std::int64_t org : orgs) text += EntrantId(org) + "\n";
  return text;
}

// The program a draw is for: loaded, and handing out experience vouchers by draw.
Result<const policy::Program*> DrawProgram(const Platform& platform, std::string_view program_id,
                                           ErrorCode not_loaded) {
  const policy::Program* program = platform.FindProgram(program_id);
  if (program == nullptr) {
    return MakeError(not_loaded, "program_id", "no program " + std::string(program_id));
  }
  if (program->mode != policy::Mode::kExperienceDraw || !program->experience) {
    return MakeError(ErrorCode::kContradiction, "program_id",
                     "program " + program->id + " is in mode " +
                         std::string(policy::ModeName(program->mode)) +
                         ": it hands out no experience vouchers by draw");
  }
  return program;
}

// Refuses an organisation whose type the program does not admit (applicant.org_types), with
// the rule's clause, as the policy engine's org_type reason does for an application.
Status RequireOrgTypeAdmitted(const policy::Program& program, const Org& org) {
  const auto& rule = program.applicant.org_types;
  if (!rule || rule->values.empty()) return OkStatus();
  if (std::find(rule->values.begin(), rule->values.end(), org.type) != rule->values.end()) {
    return OkStatus();
  }
  std::string admitted;
  for (const std::string& v : rule->values) admitted += (admitted.empty() ? "" : ", ") + v;
  return MakeError(ErrorCode::kNotEligible, "org_type",
                   "org_type: organisation type " + org.type + " is not among the program's (" +
                       admitted + ") (" + rule->source.clause + ")");
}

// Issues the winners' vouchers in draw order, each audited and noticed; notices the others.
Status IssueExperienceVouchers(StepContext& ctx, const Draw& draw,
                               const policy::Experience& rule,
                               const std::vector<std::int64_t>& orgs,
                               const policy::DrawResult& drawn) {
  std::map<std::string, std::int64_t> org_of;
  for (const std::int64_t org : orgs) org_of[EntrantId(org)] = org;
  const std::string week = draw.week.ToString();
  SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO experience_vouchers (draw_id, org_id, "
                                         "program_id, draw_rank, hours, issued_at_us, "
                                         "expires_at_us) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
  // The validity the program states as the draw runs, fixed on each voucher (as a money
  // voucher's expiry is stored at issue).
  const std::optional<Instant> expires_at = ExperienceExpiry(rule, ctx.now);
  for (std::size_t i = 0; i < drawn.winners.size(); ++i) {
    const policy::DrawWinner& w = drawn.winners[i];
    const auto it = org_of.find(w.entrant);
    SUANLI_CHECK(it != org_of.end());  // the draw names only entrants it was given
    const std::int64_t org = it->second;
    org_of.erase(it);  // what remains did not win
    ins.Reset();
    ins.Bind(1, draw.id).Bind(2, org).Bind(3, draw.program_id);
    ins.Bind(4, static_cast<std::int64_t>(i + 1)).Bind(5, std::int64_t{w.hours});
    ins.Bind(6, ctx.now.micros());
    if (expires_at) ins.Bind(7, expires_at->micros());
    SUANLI_TRY(ins.Run());
    const std::string object = "experience_voucher/" + std::to_string(ctx.db.LastInsertRowid());
    const std::string issued =
        "{\"draw_id\":" + std::to_string(draw.id) + ",\"org_id\":" + std::to_string(org) +
        ",\"rank\":" + std::to_string(i + 1) + ",\"hours\":" + std::to_string(w.hours) +
        (expires_at ? ",\"expires_at\":" + Quoted(expires_at->ToString()) : std::string()) + "}";
    SUANLI_TRY(ctx.Audit("experience_voucher.issue", object, "", issued, issued));
    const std::string until_zh =
        expires_at ? ",有效期至 " + expires_at->AddSeconds(-1).CstDate().ToString() + " 24:00" : "";
    const std::string until_en =
        expires_at ? ", usable until 24:00 on " + expires_at->AddSeconds(-1).CstDate().ToString()
                   : "";
    SUANLI_TRY(AddNotice(
        ctx, "org/" + std::to_string(org), "draw.won", object,
        "算力体验券抽签(" + week + " 当周)中签:体验券 " + std::to_string(w.hours) + " 小时" +
            until_zh + ",激活后开通一次性算力账号",
        "Experience voucher draw (week of " + week + "): you won a voucher of " +
            std::to_string(w.hours) + " hours" + until_en +
            "; activate it to open a one-time compute account"));
  }
  for (const auto& [entrant, org] : org_of) {
    SUANLI_TRY(AddNotice(ctx, "org/" + std::to_string(org), "draw.not_drawn",
                         "draw/" + std::to_string(draw.id),
                         "算力体验券抽签(" + week + " 当周)未中签",
                         "Experience voucher draw (week of " + week + "): not drawn this time"));
  }
  return OkStatus();
}

}  // namespace

Result<Draw> Platform::OpenDraw(const Principal& actor, std::string_view program_id, Date week) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  SUANLI_ASSIGN(const policy::Program* program,
                DrawProgram(*this, program_id, ErrorCode::kNotFound));
  if (!IsMonday(week)) {
    return MakeError(ErrorCode::kOutOfRange, "week",
                     week.ToString() + " is a " + std::string(WeekdayName(week)) +
                         ": a week's draw is named by the Monday it starts");
  }
  State& s = *state_;
  return s.RunStep<Draw>(actor, [&](StepContext& ctx) -> Result<Draw> {
    if (week.AddDays(7) <= ctx.now.CstDate()) {
      return MakeError(ErrorCode::kOutOfRange, "week",
                       "the week of " + week.ToString() + " ended on " +
                           week.AddDays(6).ToString() + ": its hours can no longer be used");
    }
    SUANLI_ASSIGN(auto dup, ctx.db.Prepare("SELECT id FROM draws WHERE program_id = ?1 AND "
                                           "week = ?2"));
    SUANLI_ASSIGN(const bool exists, dup.Bind(1, program->id).Bind(2, week.ToString()).Step());
    if (exists) {
      return MakeError(ErrorCode::kDuplicate, "week",
                       "the week of " + week.ToString() + " has its draw already (draw " +
                           std::to_string(dup.Int(0)) + ")");
    }
    const std::uint64_t seed = NewSeed();
    const std::string digest = SeedDigest(seed);
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO draws (program_id, week, seed_sealed, "
                                           "seed_sha256, opened_by, opened_at_us) VALUES "
                                           "(?1,?2,'',?3,?4,?5)"));
    ins.Bind(1, program->id).Bind(2, week.ToString()).Bind(3, digest);
    SUANLI_TRY(ins.Bind(4, actor.user_id).Bind(5, ctx.now.micros()).Run());
    const std::int64_t id = ctx.db.LastInsertRowid();
    // Sealed with the row it belongs to: a copy of platform.db does not reveal it, and it
    // cannot be moved to another draw.
    SUANLI_ASSIGN(const std::string sealed,
                  ctx.state.secrets->Seal(std::to_string(seed), SeedBinding(id)));
    SUANLI_ASSIGN(auto seal, ctx.db.Prepare("UPDATE draws SET seed_sealed = ?2 WHERE id = ?1"));
    SUANLI_TRY(seal.Bind(1, id).Bind(2, sealed).Run());
    // What the log says of the opening: never the seed (officers and auditors read the log).
    const std::string opened = "{\"program_id\":" + Quoted(program->id) +
                               ",\"week\":" + Quoted(week.ToString()) +
                               ",\"status\":\"open\",\"seed_sha256\":" + Quoted(digest) + "}";
    SUANLI_TRY(ctx.Audit("draw.open", "draw/" + std::to_string(id), "", opened, opened));
    return LoadDraw(ctx.db, id);
  });
}

Result<std::vector<Draw>> Platform::ListDraws(const Principal& actor, std::string_view program_id,
                                              const Page& page) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  if (FindProgram(program_id) == nullptr) {
    return MakeError(ErrorCode::kNotFound, "program_id", "no program " + std::string(program_id));
  }
  std::lock_guard lock(state_->mu);
  storage::Db& db = *state_->db;
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectDraw) +
                                   "WHERE d.program_id = ?1 AND d.id > ?2 ORDER BY d.id "
                                   "LIMIT ?3"));
  q.Bind(1, program_id).Bind(2, page.after_id).Bind(3, std::int64_t{page.limit});
  std::vector<Draw> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadDraw(q));
  }
  for (Draw& d : out) SUANLI_TRY(AddApplicantView(db, actor, d));
  return out;
}

Result<Draw> Platform::GetDraw(const Principal& actor, std::int64_t draw_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  return ViewDraw(*state_->db, actor, draw_id, /*with_winners=*/true);
}

Result<Draw> Platform::EnterDraw(const Principal& actor, std::int64_t draw_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant}));
  if (!actor.org_id) {
    return MakeError(ErrorCode::kForbidden, "org_id", "only an organisation's member enters it");
  }
  const std::int64_t org_id = *actor.org_id;
  State& s = *state_;
  return s.RunStep<Draw>(actor, [&](StepContext& ctx) -> Result<Draw> {
    SUANLI_ASSIGN(const Draw draw, LoadDraw(ctx.db, draw_id));
    if (draw.status != "open") {
      return MakeError(ErrorCode::kStateConflict, "draw_id",
                       "draw " + std::to_string(draw_id) + " was run at " +
                           draw.drawn_at.value_or(Instant()).ToString() + ": entries are closed");
    }
    SUANLI_ASSIGN(const policy::Program* program,
                  DrawProgram(*this, draw.program_id, ErrorCode::kStateConflict));
    SUANLI_ASSIGN(const Org org, LoadOrg(ctx.db, org_id));
    SUANLI_TRY(RequireNotBanned(org, ctx.now));
    SUANLI_TRY(RequireOrgTypeAdmitted(*program, org));
    SUANLI_ASSIGN(auto dup, ctx.db.Prepare("SELECT entered_at_us FROM draw_entries WHERE "
                                           "draw_id = ?1 AND org_id = ?2"));
    SUANLI_ASSIGN(const bool entered, dup.Bind(1, draw_id).Bind(2, org_id).Step());
    if (entered) {
      return MakeError(ErrorCode::kDuplicate, "org_id",
                       "organisation " + std::to_string(org_id) + " entered draw " +
                           std::to_string(draw_id) + " already, at " +
                           Instant::FromMicros(dup.Int(0)).ToString() +
                           " (one entry per organisation and week)");
    }
    if (static_cast<std::size_t>(draw.entrants) >= policy::kDrawEntrantsMax) {
      return MakeError(ErrorCode::kExceedsLimit, "draw_id",
                       "draw " + std::to_string(draw_id) +
                           " has the most entrants one draw takes (" +
                           std::to_string(policy::kDrawEntrantsMax) + ")");
    }
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO draw_entries (draw_id, org_id, "
                                           "entered_by, entered_at_us) VALUES (?1,?2,?3,?4)"));
    ins.Bind(1, draw_id).Bind(2, org_id).Bind(3, actor.user_id);
    SUANLI_TRY(ins.Bind(4, ctx.now.micros()).Run());
    const std::string entry = "{\"org_id\":" + std::to_string(org_id) + "}";
    SUANLI_TRY(ctx.Audit("draw.enter", "draw/" + std::to_string(draw_id), "", entry, entry));
    return ViewDraw(ctx.db, actor, draw_id, /*with_winners=*/false);
  });
}

Result<Draw> Platform::RunDraw(const Principal& actor, std::int64_t draw_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  State& s = *state_;
  return s.RunStep<Draw>(actor, [&](StepContext& ctx) -> Result<Draw> {
    SUANLI_ASSIGN(const Draw draw, LoadDraw(ctx.db, draw_id));
    if (draw.status != "open") {
      return MakeError(ErrorCode::kStateConflict, "draw_id",
                       "draw " + std::to_string(draw_id) + " was run already, at " +
                           draw.drawn_at.value_or(Instant()).ToString());
    }
    SUANLI_ASSIGN(const policy::Program* program,
                  DrawProgram(*this, draw.program_id, ErrorCode::kStateConflict));
    SUANLI_ASSIGN(auto sealed_q, ctx.db.Prepare("SELECT seed_sealed FROM draws WHERE id = ?1"));
    SUANLI_ASSIGN(const bool row, sealed_q.Bind(1, draw_id).Step());
    SUANLI_CHECK(row);  // LoadDraw found it in this transaction
    SUANLI_ASSIGN(const std::string seed_text,
                  ctx.state.secrets->Open(sealed_q.Text(0), SeedBinding(draw_id)));
    const std::optional<std::uint64_t> seed = ParseSeed(seed_text);
    if (!seed || SeedDigest(*seed) != draw.seed_sha256) {
      return MakeError(ErrorCode::kContradiction, "seed_sha256",
                       "draw " + std::to_string(draw_id) +
                           "'s sealed seed does not match its published SHA-256");
    }
    SUANLI_ASSIGN(const std::vector<std::int64_t> orgs, EntrantOrgs(ctx.db, draw_id));
    std::vector<std::string> entrants;
    for (const std::int64_t org : orgs) entrants.push_back(EntrantId(org));
    const std::string entrants_sha256 = security::Sha256Hex(EntrantsText(orgs));
    SUANLI_ASSIGN(const policy::DrawResult drawn,
                  policy::DrawExperienceVouchers(*program->experience, entrants, *seed));
    SUANLI_TRY(IssueExperienceVouchers(ctx, draw, *program->experience, orgs, drawn));
    const auto version = ctx.state.program_versions.find(program->id);
    SUANLI_ASSIGN(auto up,
                  ctx.db.Prepare("UPDATE draws SET status = 'drawn', seed = ?2, drawn_by = ?3, "
                                 "drawn_at_us = ?4, entrants = ?5, entrants_sha256 = ?6, "
                                 "total_hours = ?7, shortfall_hours = ?8, program_version = ?9 "
                                 "WHERE id = ?1 AND status = 'open'"));
    up.Bind(1, draw_id).Bind(2, std::to_string(*seed)).Bind(3, actor.user_id);
    up.Bind(4, ctx.now.micros()).Bind(5, static_cast<std::int64_t>(orgs.size()));
    up.Bind(6, entrants_sha256).Bind(7, std::int64_t{drawn.total_hours});
    up.Bind(8, std::int64_t{drawn.shortfall_hours});
    if (version != ctx.state.program_versions.end()) up.Bind(9, version->second);
    SUANLI_TRY(up.Run());
    SUANLI_CHECK(ctx.db.Changes() == 1);  // open in this transaction (invariant 1)
    // What anyone needs to replay the draw from the log alone, with the entrant file.
    const std::string ran = "{\"status\":\"drawn\",\"seed\":" + Quoted(std::to_string(*seed)) +
                            ",\"seed_sha256\":" + Quoted(draw.seed_sha256) +
                            ",\"entrants\":" + std::to_string(orgs.size()) +
                            ",\"entrants_sha256\":" + Quoted(entrants_sha256) +
                            ",\"winners\":" + std::to_string(drawn.winners.size()) +
                            ",\"total_hours\":" + std::to_string(drawn.total_hours) +
                            ",\"shortfall_hours\":" + std::to_string(drawn.shortfall_hours) + "}";
    SUANLI_TRY(ctx.Audit("draw.run", "draw/" + std::to_string(draw_id), "{\"status\":\"open\"}",
                         ran, ran));
    return ViewDraw(ctx.db, actor, draw_id, /*with_winners=*/true);
  });
}

Result<std::string> Platform::DrawEntrantsText(const Principal& actor, std::int64_t draw_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(const Draw draw, LoadDraw(*state_->db, draw_id));
  if (draw.status != "drawn") {
    return MakeError(ErrorCode::kStateConflict, "draw_id",
                     "draw " + std::to_string(draw_id) +
                         " is still open: its entrant file is fixed when it is run");
  }
  SUANLI_ASSIGN(const std::vector<std::int64_t> orgs, EntrantOrgs(*state_->db, draw_id));
  return EntrantsText(orgs);
}

Result<std::vector<ExperienceVoucher>> Platform::ListExperienceVouchers(const Principal& actor,
                                                                        const Page& page) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kSelectExperienceVoucher) +
                                            "WHERE x.id > ?1 AND (?2 IS NULL OR x.org_id = ?2) "
                                            "ORDER BY x.id LIMIT ?3"));
  q.Bind(1, page.after_id);
  if (actor.role == Role::kApplicant) q.Bind(2, actor.org_id.value_or(-1));
  q.Bind(3, std::int64_t{page.limit});
  return ReadExperienceVouchers(q);
}

}  // namespace suanli::workflow
