// Metered settlement (POST /api/v1/bills/settlement): an organisation's metered bill for a
// period settled through its voucher, each (provider, organisation, CST day) charged once.
//
// A metered settlement covers the whole CST days of a period that has ended (its last day is
// before today), and per (provider, organisation) the periods settled never overlap: the
// metered_settlements table (schema_network.cc) records each one. Why a table row written
// BEFORE the money moves, rather than a bill-derived ledger key alone: a ledger key can make
// two requests for the very same days collide, but not "2024Q1" and "2024-03-01..2024-03-31";
// and the settlement journal writes its row after the transfer, so a crash in between would
// forget which days were paid. So the check and the reservation are one SQLite transaction
// under the workflow mutex (RunStep): of two concurrent requests for overlapping days, the
// second sees the first's row and is refused. The row is durable before the transfer is
// submitted; the ledger's answer later marks it settled (transfer_id) or releases it (a
// refused transfer: deleted), and a row whose answer was never applied (a stop in between) is
// resolved at start-up by looking its ledger key up. The ledger key itself is derived from the
// bill (organisation, days, voucher) and the provider's Idempotency-Key, so it names this
// settlement alone: a replay (same key, same content) lands on the same ledger transfer and
// gets the first answer, and the start-up lookup cannot mistake another settlement for it.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "metering/bills.h"
#include "security/digest.h"
#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {
namespace {

// The settlement key of a metered settlement: "m:" and 128 bits of the SHA-256 of the bill
// (organisation, first and last day, voucher) and the provider's Idempotency-Key. 34 printable
// characters, within SubmitSettlement's 40.
std::string MeteredSettlementKey(std::int64_t org_id, const metering::Period& period,
                                 std::int64_t voucher_id, std::string_view idempotency_key) {
  security::Sha256Builder b;
  b.AddField("suanli metered settlement v1").AddField(std::to_string(org_id));
  b.AddField(period.first.ToString()).AddField(period.last.ToString());
  b.AddField(std::to_string(voucher_id)).AddField(idempotency_key);
  return "m:" + security::ToHex(b.Finish()).substr(0, 32);
}

// Marks row `row_id` settled by transfer `transfer_id`, or deletes it when `transfer_id` is 0
// or another row already records that transfer. Only a row still waiting (transfer_id NULL)
// changes, so applying an answer twice changes nothing.
Status ResolveMeteredRow(storage::Db& db, std::int64_t row_id, std::int64_t transfer_id) {
  if (transfer_id != 0) {
    SUANLI_ASSIGN(auto set, db.Prepare("UPDATE metered_settlements SET transfer_id = ?2 "
                                       "WHERE id = ?1 AND transfer_id IS NULL AND NOT EXISTS "
                                       "(SELECT 1 FROM metered_settlements WHERE "
                                       "transfer_id = ?2)"));
    SUANLI_TRY(set.Bind(1, row_id).Bind(2, transfer_id).Run());
    if (db.Changes() > 0) return OkStatus();
  }
  SUANLI_ASSIGN(auto del, db.Prepare("DELETE FROM metered_settlements WHERE id = ?1 AND "
                                     "transfer_id IS NULL"));
  return del.Bind(1, row_id).Run();
}

// A waiting row resolved from what the ledger holds under its key: the transfer is there (the
// settlement happened) or it is not (refused, or never submitted). Only for a row whose request
// the ledger has answered, or at start-up: a request still in flight is not in the ledger yet.
Status ResolveMeteredRowFromLedger(Platform::State& s, storage::Db& db, std::int64_t row_id,
                                   const std::string& ledger_key) {
  SUANLI_ASSIGN(const auto t, s.ledger->LookupTransferByKey(ledger_key));
  return ResolveMeteredRow(db, row_id, t ? static_cast<std::int64_t>(t->id.value) : 0);
}

// Applies the answers the ledger callbacks left (Platform::State::metered_answers); returns the
// row ids applied, to be dropped from the list once the step has committed. Caller holds s.mu.
Result<std::vector<std::int64_t>> ApplyMeteredAnswers(Platform::State& s, storage::Db& db) {
  std::vector<Platform::State::MeteredAnswer> answers;
  {
    std::lock_guard lock(s.metered_mu);
    answers = s.metered_answers;
  }
  std::vector<std::int64_t> applied;
  for (const auto& a : answers) {
    if (a.transfer_id != 0) {
      SUANLI_TRY(ResolveMeteredRow(db, a.row_id, a.transfer_id));
    } else {
      // Refused — but a refusal that came after the transfer was made (the journal's check of
      // a replay failing, say) must not release paid days: the ledger, which has answered this
      // request, says whether it holds the transfer.
      SUANLI_ASSIGN(auto q, db.Prepare("SELECT ledger_key FROM metered_settlements WHERE "
                                       "id = ?1 AND transfer_id IS NULL"));
      SUANLI_ASSIGN(const bool waiting, q.Bind(1, a.row_id).Step());
      if (waiting) {
        auto t = s.ledger->LookupTransferByKey(q.Text(0));
        if (!t.ok()) continue;  // the ledger could not be asked: kept (its days still refused)
        SUANLI_TRY(ResolveMeteredRow(db, a.row_id,
                                     *t ? static_cast<std::int64_t>((*t)->id.value) : 0));
      }
    }
    applied.push_back(a.row_id);
  }
  return applied;
}

// One metered settlement as asked for and checked, before its step.
struct MeteredRequest {
  std::int64_t provider_id = 0;  // the provider of the voucher's contract
  std::int64_t org_id = 0;
  std::int64_t voucher_id = 0;
  metering::Period period;
  std::string idempotency_key;
  std::int64_t total_fen = 0;  // the period's metered bills on the provider's centers, > 0
};

// The checks that need no step: the actor is the voucher's provider, the voucher is the
// organisation's, the period is whole days that are over, and something was metered in it.
Result<MeteredRequest> CheckMeteredRequest(Platform& platform, const Principal& actor,
                                           Date today, std::int64_t org_id,
                                           std::string_view period_text, std::int64_t voucher_id,
                                           std::string idempotency_key) {
  SUANLI_TRY(RequireRole(actor, {Role::kProvider}));
  SUANLI_TRY(ValidateIdempotencyKey(idempotency_key));
  SUANLI_ASSIGN(const Voucher voucher, platform.GetVoucher(actor, voucher_id));
  if (voucher.org_id != org_id) {
    return MakeError(ErrorCode::kContradiction, "voucher_id",
                     "the voucher is another organisation's");
  }
  if (!actor.is_system() && actor.provider_id != voucher.provider_id) {
    return MakeError(ErrorCode::kForbidden, "voucher_id",
                     "the voucher is for another provider's contract");
  }
  SUANLI_ASSIGN(const metering::Period period, metering::Period::Parse(period_text, "period"));
  // Only whole days that are over: a day's usage may still be coming in until it ends (and a
  // center reports a job when it ends), so a period is settled from the day after its last.
  if (period.last >= today) {
    return MakeError(ErrorCode::kStateConflict, "period",
                     "the period " + period.ToString() + " has not ended (today is " +
                         today.ToString() + " CST): it can be settled from " +
                         period.last.AddDays(1).ToString());
  }
  SUANLI_ASSIGN(const auto bills, platform.Bills(actor, org_id, period_text));
  SUANLI_ASSIGN(const std::int64_t total, metering::TotalFen(bills));
  if (total <= 0) {
    return MakeError(ErrorCode::kStateConflict, "period",
                     "nothing metered for this organisation on your centers in " +
                         std::string(period_text));
  }
  return MeteredRequest{voucher.provider_id, org_id, voucher_id, period,
                        std::move(idempotency_key), total};
}

// What the step decided for one request.
struct MeteredDecision {
  enum Kind { kNew, kReplay, kRefused } kind = kRefused;
  std::int64_t row_id = 0;         // kNew: the row reserving the days
  std::string settlement_key;      // kNew, kReplay: SubmitSettlement's idempotency key
  std::int64_t bill_fen = 0;       // kNew: the total; kReplay: the first request's bill
  Error refusal;                   // kRefused
  std::vector<std::int64_t> answers_applied;
};

MeteredDecision Refused(Error refusal) {
  MeteredDecision d;
  d.refusal = std::move(refusal);
  return d;
}

// The provider's earlier use of the request's Idempotency-Key, if any: the same days and
// voucher are a replay, which gets the first answer (the ledger transfer under the recorded
// key) once that request has been answered; anything else is another settlement under the key.
Result<std::optional<MeteredDecision>> EarlierUseOfKey(storage::Db& db, const MeteredRequest& m) {
  SUANLI_ASSIGN(auto used, db.Prepare("SELECT org_id, first_day, last_day, voucher_id, "
                                      "ledger_key, bill_fen, transfer_id FROM "
                                      "metered_settlements WHERE provider_id = ?1 AND "
                                      "idempotency_key = ?2"));
  SUANLI_ASSIGN(const bool key_used,
                used.Bind(1, m.provider_id).Bind(2, m.idempotency_key).Step());
  if (!key_used) return std::optional<MeteredDecision>();
  const bool same = used.Int(0) == m.org_id && used.Text(1) == m.period.first.ToString() &&
                    used.Text(2) == m.period.last.ToString() && used.Int(3) == m.voucher_id;
  if (!same) {
    return std::optional(Refused(MakeError(
        ErrorCode::kIdempotencyConflict, "Idempotency-Key",
        "this key was used for a different settlement (organisation " +
            std::to_string(used.Int(0)) + ", " + used.Text(1) + ".." + used.Text(2) +
            ", voucher " + std::to_string(used.Int(3)) + ")")));
  }
  if (used.IsNull(6)) {
    return std::optional(Refused(MakeError(ErrorCode::kStateConflict, "Idempotency-Key",
                                           "the settlement under this key is still in "
                                           "progress: retry")));
  }
  const std::string prefix = SettlementLedgerKey(m.provider_id, "");
  const std::string ledger_key = used.Text(4);
  if (!ledger_key.starts_with(prefix)) {
    return MakeError(ErrorCode::kContradiction, "Idempotency-Key",
                     "the recorded ledger key " + ledger_key + " is not a settlement's");
  }
  MeteredDecision d;
  d.kind = MeteredDecision::kReplay;
  d.settlement_key = ledger_key.substr(prefix.size());
  d.bill_fen = used.Int(5);
  return std::optional(std::move(d));
}

// The refusal for days of the request already settled (or being settled) for the organisation
// by the provider, if any; a reversed settlement's days may be settled again.
Result<std::optional<Error>> OverlapRefusal(storage::Db& db, const MeteredRequest& m) {
  SUANLI_ASSIGN(auto overlap, db.Prepare("SELECT m.first_day, m.last_day, m.transfer_id FROM "
                                         "metered_settlements m WHERE m.provider_id = ?1 AND "
                                         "m.org_id = ?2 AND m.first_day <= ?4 AND "
                                         "m.last_day >= ?3 AND NOT EXISTS (SELECT 1 FROM "
                                         "settlements st WHERE st.transfer_id = m.transfer_id "
                                         "AND st.reversed_by IS NOT NULL) ORDER BY m.first_day "
                                         "LIMIT 1"));
  overlap.Bind(1, m.provider_id).Bind(2, m.org_id);
  overlap.Bind(3, m.period.first.ToString()).Bind(4, m.period.last.ToString());
  SUANLI_ASSIGN(const bool overlaps, overlap.Step());
  if (!overlaps) return std::optional<Error>();
  const std::string days = m.period.ToString();
  const std::string settled = overlap.Text(0) + ".." + overlap.Text(1);
  return std::optional(MakeError(
      ErrorCode::kStateConflict, "period",
      days + (days == settled ? " is" : " overlaps " + settled + ", which is") +
          (overlap.IsNull(2) ? " being settled for this organisation by another request"
                             : " already settled for this organisation on your centers "
                               "(settlement " + std::to_string(overlap.Int(2)) + ")") +
          ": each day is settled once"));
}

// A new settlement: its days reserved by a metered_settlements row, durable with the step.
Result<MeteredDecision> ReserveDays(StepContext& ctx, const MeteredRequest& m) {
  MeteredDecision d;
  d.kind = MeteredDecision::kNew;
  d.settlement_key = MeteredSettlementKey(m.org_id, m.period, m.voucher_id, m.idempotency_key);
  d.bill_fen = m.total_fen;
  SUANLI_ASSIGN(auto ins, ctx.db.Prepare(
                              "INSERT INTO metered_settlements (provider_id, org_id, first_day, "
                              "last_day, voucher_id, idempotency_key, ledger_key, bill_fen, "
                              "created_at_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  SUANLI_TRY(ins.Bind(1, m.provider_id).Bind(2, m.org_id).Bind(3, m.period.first.ToString())
                 .Bind(4, m.period.last.ToString()).Bind(5, m.voucher_id)
                 .Bind(6, m.idempotency_key)
                 .Bind(7, SettlementLedgerKey(m.provider_id, d.settlement_key))
                 .Bind(8, d.bill_fen).Bind(9, ctx.now.micros()).Run());
  d.row_id = ctx.db.LastInsertRowid();
  return d;
}

// The step of a metered settlement, after the waiting answers are applied: a replay, a
// refusal, or a new settlement.
Result<MeteredDecision> Decide(Platform::State& s, StepContext& ctx, const MeteredRequest& m) {
  SUANLI_ASSIGN(std::optional<MeteredDecision> earlier, EarlierUseOfKey(ctx.db, m));
  if (earlier) return std::move(*earlier);
  // A key a bill posted by hand (POST /settlements) used names that settlement.
  SUANLI_ASSIGN(const auto posted, s.ledger->LookupTransferByKey(
                                       SettlementLedgerKey(m.provider_id, m.idempotency_key)));
  if (posted) {
    return Refused(MakeError(ErrorCode::kIdempotencyConflict, "Idempotency-Key",
                             "this key was used for a different settlement (settlement " +
                                 std::to_string(posted->id.value) + ")"));
  }
  SUANLI_ASSIGN(std::optional<Error> overlap, OverlapRefusal(ctx.db, m));
  if (overlap) return Refused(std::move(*overlap));
  return ReserveDays(ctx, m);
}

}  // namespace

std::optional<MeteredBillNo> ParseMeteredBillNo(std::string_view bill_no) {
  if (!bill_no.starts_with(kMeteredBillPrefix)) return std::nullopt;
  const std::string_view rest = bill_no.substr(kMeteredBillPrefix.size());
  const auto dash = rest.find('-');
  // An organisation id of 1..18 digits: no overflow, no sign, no leading garbage.
  if (dash == std::string_view::npos || dash == 0 || dash > 18) return std::nullopt;
  std::int64_t org = 0;
  for (const char c : rest.substr(0, dash)) {
    if (c < '0' || c > '9') return std::nullopt;
    org = org * 10 + (c - '0');
  }
  auto days = metering::Period::Parse(rest.substr(dash + 1));
  if (!days.ok() || org <= 0) return std::nullopt;
  return MeteredBillNo{org, *days};
}

// Rows left waiting by a stop, resolved from the ledger; then metered settlements made before
// metered_settlements existed, recorded from the settlement journal (bill_no "M-<org>-<days>",
// their ledger key read back from the ledger). Called by Open once the journal is complete.
Status RecoverMeteredSettlements(Platform::State& s) {
  SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(*s.db));
  std::vector<std::pair<std::int64_t, std::string>> waiting;
  {
    SUANLI_ASSIGN(auto q, s.db->Prepare("SELECT id, ledger_key FROM metered_settlements WHERE "
                                        "transfer_id IS NULL ORDER BY id"));
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      waiting.emplace_back(q.Int(0), q.Text(1));
    }
  }
  for (const auto& [id, key] : waiting) SUANLI_TRY(ResolveMeteredRowFromLedger(s, *s.db, id, key));

  struct Earlier {
    std::int64_t transfer_id, provider_id, voucher_id, bill_fen, at_us;
    std::string bill_no;
  };
  std::vector<Earlier> earlier;
  {
    SUANLI_ASSIGN(auto q, s.db->Prepare(
                              "SELECT transfer_id, provider_id, voucher_id, bill_fen, at_us, "
                              "bill_no FROM settlements st WHERE substr(bill_no, 1, 2) = 'M-' "
                              "AND NOT EXISTS (SELECT 1 FROM metered_settlements m WHERE "
                              "m.transfer_id = st.transfer_id) ORDER BY transfer_id"));
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      earlier.push_back({q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Int(4), q.Text(5)});
    }
  }
  SUANLI_ASSIGN(auto ins, s.db->Prepare(
                              "INSERT OR IGNORE INTO metered_settlements (provider_id, org_id, "
                              "first_day, last_day, voucher_id, idempotency_key, ledger_key, "
                              "bill_fen, transfer_id, created_at_us) VALUES "
                              "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  std::size_t added = 0;
  for (const Earlier& e : earlier) {
    const std::optional<MeteredBillNo> billed = ParseMeteredBillNo(e.bill_no);
    if (!billed) continue;
    SUANLI_ASSIGN(const auto t,
                  s.ledger->LookupTransfer(TransferId(static_cast<std::uint64_t>(e.transfer_id))));
    if (!t) continue;
    // The key the provider sent: the ledger key was "stl/<provider>/<Idempotency-Key>" then.
    const std::string prefix = SettlementLedgerKey(e.provider_id, "");
    const std::string header = t->key.starts_with(prefix) ? t->key.substr(prefix.size()) : t->key;
    ins.Reset();
    SUANLI_TRY(ins.Bind(1, e.provider_id).Bind(2, billed->org_id)
                   .Bind(3, billed->days.first.ToString()).Bind(4, billed->days.last.ToString())
                   .Bind(5, e.voucher_id).Bind(6, header).Bind(7, t->key).Bind(8, e.bill_fen)
                   .Bind(9, e.transfer_id).Bind(10, e.at_us).Run());
    if (s.db->Changes() > 0) ++added;
  }
  SUANLI_TRY(tx.Commit());
  if (!waiting.empty() || added > 0) {
    spdlog::info("metered settlements: {} waiting rows resolved from the ledger, {} earlier "
                 "settlements recorded", waiting.size(), added);
  }
  return OkStatus();
}

void Platform::SettleMeteredBill(const Principal& actor, std::int64_t org_id,
                                 std::string_view period_text, std::int64_t voucher_id,
                                 std::string idempotency_key, SettlementDone done) {
  State& s = *state_;
  auto request = CheckMeteredRequest(*this, actor, s.clock->Now().CstDate(), org_id, period_text,
                                     voucher_id, std::move(idempotency_key));
  if (!request.ok()) return done(request.error());
  auto decided = s.RunStep<MeteredDecision>(actor, [&](StepContext& ctx)
                                                       -> Result<MeteredDecision> {
    SUANLI_ASSIGN(std::vector<std::int64_t> applied, ApplyMeteredAnswers(s, ctx.db));
    SUANLI_ASSIGN(MeteredDecision d, Decide(s, ctx, *request));
    d.answers_applied = std::move(applied);
    return d;
  });
  if (!decided.ok()) return done(decided.error());
  if (!decided->answers_applied.empty()) {  // committed: no later step applies them again
    std::lock_guard lock(s.metered_mu);
    std::erase_if(s.metered_answers, [&](const State::MeteredAnswer& a) {
      return std::find(decided->answers_applied.begin(), decided->answers_applied.end(),
                       a.row_id) != decided->answers_applied.end();
    });
  }
  if (decided->kind == MeteredDecision::kRefused) return done(decided->refusal);

  SettlementRequest settlement;
  settlement.idempotency_key = decided->settlement_key;
  settlement.voucher_id = voucher_id;
  // The bill number names what was billed, so the claim's summary table shows it.
  settlement.bill_no = std::string(kMeteredBillPrefix) + std::to_string(org_id) + "-" +
                       request->period.ToString();
  settlement.metered = true;
  settlement.bill_fen = decided->bill_fen;
  if (decided->kind == MeteredDecision::kReplay) {
    return SubmitSettlement(actor, std::move(settlement), std::move(done));
  }
  // The ledger's answer for the reserved days, applied by the next metered settlement's step
  // (this callback runs on a ledger thread and must not wait on SQLite). After kIoUncertain the
  // ledger may or may not hold the transfer until it is reopened: the row keeps its days, and
  // start-up resolves it.
  SubmitSettlement(actor, std::move(settlement),
                   [&s, row_id = decided->row_id,
                    done = std::move(done)](Result<SettlementResult> out) mutable {
                     if (out.ok() || out.error().code != ErrorCode::kIoUncertain) {
                       std::lock_guard lock(s.metered_mu);
                       s.metered_answers.push_back(
                           {row_id, out.ok() ? out->settlement_id : std::int64_t{0}});
                     }
                     done(std::move(out));
                   });
}

}  // namespace suanli::workflow
