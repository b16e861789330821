// Expiry and notices: vouchers past their expiry lapse (the unused rest moves to the program's
// lapsed account); reminders go out 30, 7 and 1 day before; every decision an applicant or a
// provider must see becomes an in-app notice, in Chinese and English.
#include "core/limits.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

std::string Yuan(std::int64_t fen);

// Reminders before expiry, in days (seed 000: 过期自动失效 — applicants are warned first).
inline constexpr int kExpiryReminderDays[] = {30, 7, 1};

Status AddNotice(StepContext& ctx, const std::string& recipient, const std::string& kind,
                 const std::string& object, const std::string& zh, const std::string& en) {
  // Reminders are sent once per (recipient, kind, object); decisions may repeat (a refusal,
  // then an approval after resubmission), so their object carries the time.
  const bool once = kind.rfind("expiry.", 0) == 0;
  const std::string key = once ? object : object + "@" + std::to_string(ctx.now.micros());
  SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT OR IGNORE INTO notices (recipient, kind, object, "
                                         "text_zh, text_en, created_at_us) VALUES "
                                         "(?1,?2,?3,?4,?5,?6)"));
  ins.Bind(1, recipient).Bind(2, kind).Bind(3, key).Bind(4, zh).Bind(5, en);
  return ins.Bind(6, ctx.now.micros()).Run();
}

Status Platform::RunExpiry() {
  State& s = *state_;
  // Moves a step committed while the ledger could not take them, first: a lapse planned below
  // on a balance they change takes what is left when it runs either way.
  s.DrainOutbox();
  const Principal system = Principal::System();
  SUANLI_TRY(s.RunStep<Ok>(system, [&](StepContext& ctx) -> Result<Ok> {
    for (VoucherEntry* v : s.vouchers.All()) {
      if (v->status.load() != VoucherEntry::kActive) continue;
      const std::string vid = std::to_string(v->id);
      const std::string recipient = "org/" + std::to_string(v->org_id);
      if (ctx.now >= v->expires_at) {
        // Closed as the lapse is planned; reopened if the sweep fails, so the next sweep lapses
        // it (a voucher left closed in memory but active in the table would never lapse).
        v->status = VoucherEntry::kLapsed;
        ctx.OnRollback([v] { v->status = VoucherEntry::kActive; });
        if (v->remaining_fen() > 0) {
          SUANLI_TRY(ctx.Move(PlannedMove{"lapse/voucher-" + vid, v->account,
                                          s.program_accounts.at(v->program_id).lapsed,
                                          // all that is left when it runs (balancing debit)
                                          limits::kAmountFenMax,
                                          ledger::kLapse | ledger::kBalancingDebit, kCodeLapse,
                                          static_cast<std::uint64_t>(v->id)}));
        }
        SUANLI_ASSIGN(std::string state_before, ctx.StateOf("voucher/" + vid));
        SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE vouchers SET status = 'lapsed' WHERE id = ?1"));
        SUANLI_TRY(up.Bind(1, v->id).Run());
        SUANLI_TRY(ctx.AuditChange("voucher.lapse", "voucher/" + vid, std::move(state_before),
                                   "{\"remaining_fen\":" + std::to_string(v->remaining_fen()) +
                                       "}"));
        SUANLI_TRY(AddNotice(ctx, recipient, "expiry.lapsed", "voucher/" + vid,
                             "算力券 #" + vid + " 已过期,未使用的 " + Yuan(v->remaining_fen()) + " 已失效",
                             "Voucher #" + vid + " has expired; the unused " +
                                 Yuan(v->remaining_fen()) + " lapsed"));
        continue;
      }
      for (int days : kExpiryReminderDays) {
        if (ctx.now.AddSeconds(std::int64_t{days} * kSecondsPerDay) < v->expires_at) continue;
        SUANLI_TRY(AddNotice(ctx, recipient, "expiry." + std::to_string(days) + "d",
                             "voucher/" + vid,
                             "算力券 #" + vid + " 将于 " + v->expires_at.ToString() + " 过期,余额 " +
                                 Yuan(v->remaining_fen()),
                             "Voucher #" + vid + " expires at " + v->expires_at.ToString() +
                                 "; balance " + Yuan(v->remaining_fen())));
      }
    }
    return Ok{};
  }));
  // What each lapse took is counted into its voucher's lapsed_fen by the outbox itself
  // (ExecutePendingMoves), also for a lapse a later step's outbox run executes.
  // Experience vouchers move no money: their hours, used_up and expiry (experience_vouchers.cc).
  return SweepExperienceVouchers();
}

Result<std::int64_t> Platform::MoneyMovesWaiting() {
  State& s = *state_;
  // Asked by the metrics scrape, on an I/O thread: it must not wait for a step (a
  // reconciliation holds the lock for seconds). While one runs, the last count stands.
  std::unique_lock lock(s.mu, std::try_to_lock);
  if (!lock.owns_lock()) return s.moves_waiting_last.load(std::memory_order_relaxed);
  SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT COUNT(*) FROM money_moves WHERE status = "
                                      "'pending'"));
  SUANLI_TRY(q.Step());
  s.moves_waiting_last.store(q.Int(0), std::memory_order_relaxed);
  return q.Int(0);
}

Result<std::vector<Notice>> Platform::ListNotices(const Principal& actor) {
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            "SELECT id, recipient, kind, object, text_zh, text_en, created_at_us, "
                            "read_at_us FROM notices WHERE recipient IN (?1, ?2, ?3) ORDER BY id "
                            "DESC LIMIT 200"));
  q.Bind(1, "user/" + std::to_string(actor.user_id));
  // An organisation's notices go to its applicants, a provider's to its operators: by role, not
  // by whatever ids an account carries.
  const bool applicant = actor.role == Role::kApplicant && actor.org_id;
  const bool operator_ = actor.role == Role::kProvider && actor.provider_id;
  q.Bind(2, applicant ? "org/" + std::to_string(*actor.org_id) : std::string("-"));
  q.Bind(3, operator_ ? "provider/" + std::to_string(*actor.provider_id) : std::string("-"));
  std::vector<Notice> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    Notice n;
    n.id = q.Int(0);
    n.recipient = q.Text(1);
    n.kind = q.Text(2);
    n.object = q.Text(3);
    if (auto at = n.object.find('@'); at != std::string::npos) n.object.resize(at);
    n.text_zh = q.Text(4);
    n.text_en = q.Text(5);
    n.created_at = Instant::FromMicros(q.Int(6));
    n.read = !q.IsNull(7);
    out.push_back(std::move(n));
  }
  return out;
}

Status Platform::MarkNoticeRead(const Principal& actor, std::int64_t notice_id) {
  SUANLI_ASSIGN(const auto mine, ListNotices(actor));
  bool found = false;
  for (const Notice& n : mine) found |= n.id == notice_id;
  if (!found) return NotFound("notice", notice_id);
  // A state change like any other, so on the audit log; marking it again changes nothing.
  return state_->RunStep<Ok>(actor, [&](StepContext& ctx) -> Result<Ok> {
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE notices SET read_at_us = ?2 WHERE id = ?1 AND "
                                          "read_at_us IS NULL"));
    SUANLI_TRY(up.Bind(1, notice_id).Bind(2, ctx.now.micros()).Run());
    if (ctx.db.Changes() > 0) {
      SUANLI_TRY(ctx.Audit("notice.read", "notice/" + std::to_string(notice_id), "", ""));
    }
    return Ok{};
  });
}

}  // namespace suanli::workflow
