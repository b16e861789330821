// Reconciliation: the ledger's transfers against the platform's own records, for auditors.
//
// ledger.db checks itself (CRCs, invariants: `suanli ledger verify`), but an edit that keeps
// the invariants passes those checks: moving an amount between two accounts consistently, or
// adding a transfer and its balances. Every transfer the platform makes has a second record in
// platform.db, and settlements a third on the audit log's hash chain, so such an edit shows here
// unless the same edit is made in platform.db too, and for settlements on the anchored chain.
//
//   fund        the program's appropriation for its year (its TOML), into its pool;
//   settlement  a settlements row of the same transfer id, amount, voucher and receivable;
//               each row listed by exactly one settlement.post / .recover audit entry, whose
//               total is the sum of its rows. A row start-up rebuilt from the ledger (a crash
//               lost the journal's) rests on the ledger's word alone: a transfer forged with a
//               settlement's code and a voucher's account is rebuilt the same way at the next
//               start. Those are listed apart, to be checked against the provider's bills;
//               without a record written before the ledger call (the settlement path does
//               not write one: it would cost the hot path a second durable write) nothing
//               else tells them apart.
//   every other code: its outbox row (money_moves) of the same key, accounts, code and, once
//               done, applied amount; a grant's amount also as its approval's audit entry says.
// And the other way: every settlements row and every done outbox row has its transfer.
// Last, the records whose state the log vouches for (audited_state.h): each row against its
// object's last recorded state, so a row edited, added or deleted beside the log shows.
#include <filesystem>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json.hpp>

#include "audit/audit_files.h"
#include "workflow/audited_state.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {
namespace {

namespace fs = std::filesystem;

// Differences listed at most (all are counted): enough to act on, bounded for the answer.
constexpr std::size_t kDifferencesListedMax = 100;
// Transfers per ledger scan (ScanTransfers' limit).
constexpr std::size_t kScanPage = 10'000;

// An audit entry's detail as JSON: its object, or an empty one when it is not an object.
boost::json::object DetailOf(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v).as_object();
}

// The integer `key` of a detail, if it is one (a pointer into `o`: keep `o` alive).
const std::int64_t* IntOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v ? v->if_int64() : nullptr;
}

struct OutboxRow {
  std::int64_t debit = 0, credit = 0, amount_fen = 0, code = 0, applied_fen = 0;
  std::string status;
  bool seen = false;  // a ledger transfer carries its key
};

struct SettlementRow {
  std::int64_t voucher_id = 0, deduction_fen = 0;
  bool seen = false;    // its transfer is in the ledger
  int listed = 0;       // audit entries listing it
};

class Reconciler {
 public:
  explicit Reconciler(Platform::State& s) : s_(s) {}

  // Caller holds the step lock: the outbox moves only under it, so the ledger's outbox
  // transfers and the outbox rows are read at one point.
  Status Run(Reconciliation* out) {
    out_ = out;
    // Settlements the ledger has answered are journaled in batches (not under the step lock):
    // written before their rows are read. One answered meanwhile has no row yet when its
    // transfer is scanned; it is kept aside, and checked after a second flush.
    SUANLI_TRY(s_.journal->Flush());
    SUANLI_TRY(LoadOutbox());
    SUANLI_TRY(LoadSettlements());
    std::vector<ledger::Transfer> unjournaled;
    SUANLI_TRY(ScanLedger([&](const ledger::Transfer& t) {
      if (t.code == kCodeSettlement &&
          !settlements_.contains(static_cast<std::int64_t>(t.id.value))) {
        unjournaled.push_back(t);
      } else {
        Check(t);
      }
    }));
    if (!unjournaled.empty()) {
      SUANLI_TRY(s_.journal->Flush());
      SUANLI_TRY(LoadSettlements());
      for (const ledger::Transfer& t : unjournaled) Check(t);
    }
    for (const auto& [key, row] : outbox_) {
      if (row.status == "done" && !row.seen) {
        Differ("outbox move " + key + " is done but the ledger has no such transfer");
      }
    }
    for (const auto& [id, row] : settlements_) {
      // A settlement answered after the scan has its row but is not in `transfers`.
      if (!row.seen && id <= last_scanned_) {
        Differ("settlement " + std::to_string(id) + " has no ledger transfer");
      }
    }
    SUANLI_TRY(CheckSettlementEntries());
    SUANLI_TRY(CheckGrantEntries());
    out->moves = static_cast<std::int64_t>(outbox_.size());
    out->settlements = static_cast<std::int64_t>(settlements_.size());
    return OkStatus();
  }

  // The records the log vouches for, each against its last recorded state, on a read snapshot
  // of their own (no step lock: a step commits its rows and their entry together, so every
  // snapshot is consistent, and the steps need not wait for this pass over the whole log).
  Status CheckRecords(Reconciliation* out) {
    out_ = out;
    SUANLI_ASSIGN(auto db, storage::Db::Open(storage::DbOptions{
                               (fs::path(s_.options.data_dir) / audit::kPlatformDbFile).string(),
                               true}));  // read only
    SUANLI_TRY(db->Exec("BEGIN"));  // deferred: a read snapshot from the first read on
    SUANLI_ASSIGN(const AuditedStateCheck states, CheckAuditedStates(*db, kDifferencesListedMax));
    SUANLI_TRY(db->Exec("COMMIT"));
    out->records = states.objects;
    for (const std::string& d : states.differences) Differ(d);
    out->differences_total +=
        states.differences_total - static_cast<std::int64_t>(states.differences.size());
    return OkStatus();
  }

  void Differ(std::string what) {
    ++out_->differences_total;
    if (out_->differences.size() < kDifferencesListedMax) out_->differences.push_back(std::move(what));
  }

  Status LoadOutbox() {
    SUANLI_ASSIGN(auto q, s_.db->Prepare("SELECT ledger_key, debit_account, credit_account, "
                                         "amount_fen, code, status, COALESCE(applied_fen, 0) "
                                         "FROM money_moves"));
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      outbox_[q.Text(0)] = OutboxRow{q.Int(1), q.Int(2), q.Int(3), q.Int(4), q.Int(6), q.Text(5)};
    }
    return OkStatus();
  }

  Status LoadSettlements() {
    SUANLI_ASSIGN(auto q, s_.db->Prepare("SELECT transfer_id, voucher_id, deduction_fen, "
                                         "recovered FROM settlements ORDER BY transfer_id"));
    out_->rebuilt_settlements.clear();
    out_->rebuilt_total = 0;
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) break;
      // Read again after a second flush: rows already checked keep what their check found.
      settlements_.try_emplace(q.Int(0), SettlementRow{q.Int(1), q.Int(2)});
      if (q.Int(3) == 0) continue;
      ++out_->rebuilt_total;
      if (out_->rebuilt_settlements.size() < kDifferencesListedMax) {
        out_->rebuilt_settlements.push_back(q.Int(0));
      }
    }
    return OkStatus();
  }

  // Calls `each` for every transfer, a page at a time: the transfers are not held, only the
  // platform's rows are (outbox_, settlements_: about a hundred bytes each, an estimate from
  // their fields and hash-map nodes, not measured).
  Status ScanLedger(const std::function<void(const ledger::Transfer&)>& each) {
    TransferId after{0};
    while (true) {
      SUANLI_ASSIGN(const auto page, s_.ledger->ScanTransfers(after, kScanPage));
      for (const ledger::Transfer& t : page) each(t);
      out_->transfers += static_cast<std::int64_t>(page.size());
      if (!page.empty()) after = page.back().id;
      if (page.size() < kScanPage) break;
    }
    last_scanned_ = static_cast<std::int64_t>(after.value);
    return OkStatus();
  }

  void Check(const ledger::Transfer& t) {
    const std::string name = "transfer " + std::to_string(t.id.value) + " (" + t.key + ")";
    if (t.code == kCodeFund) return CheckFund(t, name);
    if (t.code == kCodeSettlement) return CheckSettlement(t, name);
    auto it = outbox_.find(t.key);
    if (it == outbox_.end()) return Differ(name + ": no outbox move of this key");
    OutboxRow& m = it->second;
    m.seen = true;
    if (m.debit != static_cast<std::int64_t>(t.debit_account_id.value) ||
        m.credit != static_cast<std::int64_t>(t.credit_account_id.value) || m.code != t.code) {
      return Differ(name + ": accounts or code differ from its outbox move");
    }
    if (m.status == "pending") {
      ++out_->waiting;  // applied; the next outbox run records it (a repeat is a duplicate)
    } else if (m.status != "done") {
      Differ(name + ": its outbox move is " + m.status + ", but the ledger applied it");
    } else if (m.applied_fen != t.amount_fen) {
      Differ(name + ": " + std::to_string(t.amount_fen) + " fen in the ledger, " +
             std::to_string(m.applied_fen) + " recorded by its outbox move");
    }
    if (t.code == kCodeGrant) grants_[t.key] = t.amount_fen;
  }

  void CheckFund(const ledger::Transfer& t, const std::string& name) {
    for (const auto& p : s_.programs) {
      if (t.key != "fund/" + p->id + "/" + std::to_string(p->year)) continue;
      if (!p->pool || t.amount_fen != p->pool->amount_per_year.fen()) {
        return Differ(name + ": not the program's appropriation for its year");
      }
      if (t.credit_account_id != s_.program_accounts.at(p->id).pool) {
        return Differ(name + ": does not fund the program's pool");
      }
      return;
    }
    Differ(name + ": funds no loaded program");
  }

  void CheckSettlement(const ledger::Transfer& t, const std::string& name) {
    auto it = settlements_.find(static_cast<std::int64_t>(t.id.value));
    if (it == settlements_.end()) return Differ(name + ": no settlement row");
    SettlementRow& row = it->second;
    row.seen = true;
    if (row.deduction_fen != t.amount_fen) {
      return Differ(name + ": " + std::to_string(t.amount_fen) + " fen in the ledger, " +
                    std::to_string(row.deduction_fen) + " in its settlement row");
    }
    const VoucherEntry* v = s_.vouchers.Find(row.voucher_id);
    if (v == nullptr || v->account != t.debit_account_id || v->receivable != t.credit_account_id) {
      Differ(name + ": not between its settlement's voucher and provider receivable");
    }
  }

  // Calls `each(entry, detail, q)` for every audit entry `sql` selects (its first two columns
  // seq and detail; `q` for the rest), counting them; `entry` names it in a difference.
  Status ForEachEntry(const char* sql,
                      const std::function<void(const std::string&, const boost::json::object&,
                                               const storage::Stmt&)>& each) {
    SUANLI_ASSIGN(auto q, s_.db->Prepare(sql));
    while (true) {
      SUANLI_ASSIGN(const bool row, q.Step());
      if (!row) return OkStatus();
      ++out_->audit_entries;
      each("audit entry " + std::to_string(q.Int(0)), DetailOf(q.Text(1)), q);
    }
  }

  // Each settlement row is listed by one audit entry, whose total is its rows' sum.
  Status CheckSettlementEntries() {
    SUANLI_TRY(ForEachEntry(
        "SELECT seq, detail FROM audit_log WHERE action IN ('settlement.post', "
        "'settlement.recover')",
        [&](const std::string& entry, const boost::json::object& detail, const storage::Stmt&) {
          const boost::json::value* listed = detail.if_contains("transfer_ids");
          const boost::json::array* ids = listed ? listed->if_array() : nullptr;
          const std::int64_t* total = IntOf(detail, "deduction_fen");
          if (ids == nullptr || total == nullptr) {
            return Differ(entry + ": its detail lists no transfer_ids and deduction_fen");
          }
          std::int64_t sum = 0;
          for (const boost::json::value& id : *ids) {
            const std::int64_t* tid = id.if_int64();
            auto it = tid ? settlements_.find(*tid) : settlements_.end();
            if (it == settlements_.end()) {
              Differ(entry + ": lists a settlement that has no row");
              continue;
            }
            ++it->second.listed;
            sum += it->second.deduction_fen;
          }
          if (sum != *total) {
            Differ(entry + ": lists " + std::to_string(*total) + " fen, its rows hold " +
                   std::to_string(sum));
          }
        }));
    for (const auto& [id, row] : settlements_) {
      if (row.listed != 1) {
        Differ("settlement " + std::to_string(id) + " is listed by " + std::to_string(row.listed) +
               " audit entries, not 1");
      }
    }
    return OkStatus();
  }

  // A grant's amount as its approval's audit entry recorded it.
  Status CheckGrantEntries() {
    return ForEachEntry(
        "SELECT a.seq, a.detail, v.program_id, v.application_id FROM audit_log a JOIN vouchers "
        "v ON a.object = 'application/' || v.application_id WHERE a.action = "
        "'application.approve'",
        [&](const std::string& entry, const boost::json::object& detail, const storage::Stmt& q) {
          const std::int64_t* grant = IntOf(detail, "grant_fen");
          const std::string key = "grant/" + q.Text(2) + "/app-" + std::to_string(q.Int(3));
          const auto it = grants_.find(key);
          const auto move = outbox_.find(key);
          if (grant == nullptr) {
            Differ(entry + ": its detail records no grant_fen");
          } else if (it == grants_.end()) {
            // Not in the ledger: only a grant still waiting in the outbox may be so.
            if (move == outbox_.end() || move->second.status != "pending") {
              Differ(entry + ": approved a grant the ledger does not hold (" + key + ")");
            }
          } else if (it->second != *grant) {
            Differ(entry + ": approved " + std::to_string(*grant) + " fen, the ledger's " + key +
                   " holds " + std::to_string(it->second));
          }
        });
  }


 private:
  Platform::State& s_;
  Reconciliation* out_ = nullptr;
  std::unordered_map<std::string, OutboxRow> outbox_;
  std::unordered_map<std::int64_t, SettlementRow> settlements_;
  std::unordered_map<std::string, std::int64_t> grants_;  // ledger key → amount
  std::int64_t last_scanned_ = 0;  // the last transfer id scanned
};

}  // namespace

Result<Reconciliation> Platform::Reconcile(const Principal& actor) {
  SUANLI_TRY(RequireRole(actor, {Role::kAuditor, Role::kAdmin}));
  State& s = *state_;
  Reconciliation out;
  Reconciler reconciler(s);
  {
    std::lock_guard lock(s.mu);
    SUANLI_TRY(reconciler.Run(&out));
  }
  SUANLI_TRY(reconciler.CheckRecords(&out));
  return out;
}

}  // namespace suanli::workflow
