// The Platform's insides, shared by the files that implement its steps: the open stores, the
// loaded programs, the in-memory indexes of the settlement hot path, and RunStep — the one way
// a workflow step changes state (serialised, one SQLite transaction with its audit entries,
// money moved through the ledger after the commit from a durable outbox).
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/audit_log.h"
#include "ledger/ledger.h"
#include "metering/rerate.h"
#include "metering/usage_store.h"
#include "network/center_connector.h"
#include "network/serialized_connector.h"
#include "policy/program.h"
#include "routing/router.h"
#include "security/password.h"
#include "security/secret_box.h"
#include "security/throttle.h"
#include "storage/dir_lock.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"
#include "workflow/api_key_cache.h"
#include "workflow/platform.h"
#include "workflow/settlement_journal.h"
#include "workflow/voucher_terms.h"

namespace suanli::workflow {

// Ledger transfer codes: why money moved (stored in every transfer; reports group by them).
enum TransferCode : std::uint16_t {
  kCodeFund = 1,        // funder → pool: the program's yearly appropriation
  kCodeGrant = 2,       // pool → voucher: a voucher issued
  kCodeSettlement = 3,  // voucher → provider receivable: the voucher's share of a bill
  kCodeReversal = 4,    // receivable → voucher: a corrected settlement
  kCodePayout = 5,      // receivable → payout: an approved claim paid
  kCodeDisallowed = 6,  // receivable → lapsed: the refused part of a claim
  kCodeLapse = 7,       // voucher → lapsed: unused at expiry
  kCodeClawback = 8,    // voucher → pool: the unused rest after a fraud finding
  kCodeRecovery = 9,    // org debt → recovery due: what a fraudulent organisation used, owed
  kCodeRepayment = 10,  // recovery due → pool: what it has repaid (user_data: the enforcement)
  // Subsidy awards (awards.cc; user_data: the award): pool (or, for a program that states no
  // yearly pool, its funder) → award; award → award payout; award → back where it came from.
  kCodeAward = 11,
  kCodeAwardPayout = 12,
  kCodeAwardWithdrawn = 13,
  // org debt → recovery due: a paid award, owed back after a fraud finding (user_data: the
  // award; code 9's user_data is a voucher, so the two are summed apart).
  kCodeAwardRecovery = 14,
  // Redemptions of apply_then_redeem vouchers (redemptions.cc; user_data: the redemption):
  // voucher → the redemption's hold account at submission; hold → the program's redemption
  // payout when paid; hold → back to the voucher, or to lapsed (voucher closed or expired) or
  // the pool (a fraud finding), when refused.
  kCodeRedemptionHold = 15,
  kCodeRedemptionPayout = 16,
  kCodeRedemptionReturn = 17,
};

// The ledger accounts of one program (created at start-up, keyed "prog/<id>/...").
struct ProgramAccounts {
  AccountId funder, pool, lapsed;
};

// The settlement hot path's view of one voucher. Balances mirror the ledger account: every
// transfer touching a voucher is submitted by the platform, which updates them from the
// ledger's outcome (loaded from the ledger at start-up).
struct VoucherEntry {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::int64_t provider_id = 0;
  std::string program_id;
  const policy::Program* program = nullptr;
  AccountId account;
  AccountId receivable;
  Instant expires_at;
  std::int64_t grant_fen = 0;
  // The terms it pays by, fixed at issue (voucher_terms.h): the share of each bill at
  // settlement or of each invoice redeemed. None only for a voucher from before terms were
  // stored whose program no longer states them (it then pays nothing). Set once, before it is
  // indexed.
  std::optional<VoucherTerms> terms;
  std::atomic<std::int64_t> credits_fen{0};
  std::atomic<std::int64_t> debits_fen{0};
  std::string org_name;
  std::atomic<std::int64_t> used_fen{0};    // settlements net of reversals
  std::atomic<std::int64_t> lapsed_fen{0};  // lapsed at expiry or clawed back
  // apply_then_redeem: what submitted redemptions hold (out of the account, not yet used).
  std::atomic<std::int64_t> held_fen{0};
  std::atomic<std::int64_t> org_banned_until_us{0};
  enum Status : int { kActive = 0, kLapsed = 1, kClawedBack = 2 };
  std::atomic<int> status{kActive};

  std::int64_t remaining_fen() const { return credits_fen.load() - debits_fen.load(); }
};

class VoucherIndex {
 public:
  VoucherEntry* Find(std::int64_t voucher_id) const;
  VoucherEntry* FindByAccount(AccountId account) const;
  VoucherEntry* Insert(std::unique_ptr<VoucherEntry> entry);
  // Every entry of one organisation (enforcement) or all (expiry); pointers stay valid.
  std::vector<VoucherEntry*> All() const;

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::int64_t, std::unique_ptr<VoucherEntry>> by_id_;
  std::unordered_map<std::uint64_t, VoucherEntry*> by_account_;
};

// A transfer a step decided, executed on the ledger after the step commits.
struct PlannedMove {
  std::string key;
  AccountId debit, credit;
  std::int64_t amount_fen = 0;
  std::uint16_t flags = 0;
  std::uint16_t code = 0;
  std::uint64_t user_data = 0;
};

struct StepContext {
  Platform::State& state;
  const Principal& actor;
  Instant now;
  storage::Db& db;
  std::vector<PlannedMove> moves;
  bool appended_audit = false;
  std::optional<audit::Anchor> head;

  // Appends an audit entry in the step's transaction.
  Status Audit(std::string action, std::string object, std::string before_json,
               std::string after_json, std::string detail_json = "{}");
  // For the records whose state the log vouches for (audited_state.h): appends an entry whose
  // after-state is `object`'s row as this step leaves it, read back in the step's transaction.
  // `before_json` is StateOf(object) taken before the change, or "" for a record it creates.
  Status AuditChange(std::string action, std::string object, std::string before_json,
                     std::string detail_json = "{}");
  // For such a record whose row this step deleted: appends an entry whose after-state is the
  // absent form (kAbsentStateForm). kContradiction, nothing appended, if the row is still there.
  Status AuditRemoval(std::string action, std::string object, std::string before_json,
                      std::string detail_json = "{}");
  // `object`'s state form now, in the step's transaction ("application/42").
  Result<std::string> StateOf(std::string_view object);
  // Records a money move in the outbox, in the step's transaction.
  Status Move(PlannedMove move);

  // The in-memory indexes (VoucherIndex) mirror committed rows, but a transaction's rollback
  // cannot undo them. A step that changes them says when: OnCommit runs `f` once the step's
  // transaction has committed (before its moves run, even if a later part of RunStep fails,
  // since the rows are then committed); OnRollback runs `f` when the step fails before or at
  // its commit, for a change the step had to make early (closing a voucher before planning
  // its clawback, so no settlement slips in) and must take back. Each list runs in reverse.
  void OnCommit(std::function<void()> f) { on_commit.push_back(std::move(f)); }
  void OnRollback(std::function<void()> f) { on_rollback.push_back(std::move(f)); }
  std::vector<std::function<void()>> on_commit;
  std::vector<std::function<void()>> on_rollback;
};

struct Platform::State {
  // First, so it is released last: the directory is this process's until every file is closed.
  storage::DirLock dir_lock;
  PlatformOptions options;
  Clock* clock = nullptr;
  std::mutex mu;  // serialises workflow steps; guards db and audit
  // MoneyMovesWaiting's last count, answered while a step holds `mu`.
  std::atomic<std::int64_t> moves_waiting_last{0};
  std::unique_ptr<storage::Db> db;
  std::optional<audit::AuditWriter> audit;
  // DIR/audit.anchor, written by the steps and the settlement journal alike.
  std::shared_ptr<audit::AnchorFile> anchor_file;
  std::unique_ptr<storage::SqliteStore> ledger_store;
  std::unique_ptr<ledger::Ledger> ledger;
  std::vector<std::unique_ptr<policy::Program>> programs;
  // Each loaded program's version in program_versions (program_versions.h): what a voucher
  // issued now is issued under.
  std::map<std::string, std::int64_t, std::less<>> program_versions;
  std::map<std::string, ProgramAccounts, std::less<>> program_accounts;
  std::optional<security::SecretBox> secrets;
  security::LoginThrottle throttle;
  // A password hash of nothing anyone knows, with the parameters of real ones: what a login for
  // an unknown or disabled username is checked against, so it takes as long (users.cc).
  std::string stand_in_password_hash;
  VoucherIndex vouchers;
  ApiKeyCache api_keys;
  std::unique_ptr<SettlementJournal> journal;
  // The usage log (usage/usage.log): one writer at a time, under its own mutex so a long
  // ingest does not hold the workflow's.
  std::mutex metering_mu;
  std::unique_ptr<metering::UsageStore> usage;
  // Metered settlements (metering.cc): the ledger's answers for rows of metered_settlements
  // still waiting for them (transfer_id NULL). A ledger callback must not wait on SQLite, so it
  // only appends here; the next metered settlement's step applies them, and start-up resolves
  // rows whose answer was never applied from the ledger itself.
  struct MeteredAnswer {
    std::int64_t row_id = 0;
    std::int64_t transfer_id = 0;  // the settlement; 0: refused, or ask the ledger
  };
  std::mutex metered_mu;  // guards metered_answers only; never held while waiting
  std::vector<MeteredAnswer> metered_answers;
  // Jobs on the network (jobs.cc): the centers' connectors by Slurm cluster name, each behind
  // its own lock (SerializedConnector; the connectors themselves are not owned; an entry is
  // never removed, so a pointer taken under jobs_mu stays valid after it is released),
  // and the units each center holds for routed jobs not yet final. Taken before `mu`.
  // Placing a job holds its units at the best center under jobs_mu, submits without it, and
  // moves the hold to the center that took the job under jobs_mu again, so a slow center holds
  // up no one else's jobs while concurrent placements still see the units as taken;
  // refreshes, pulls, cancels and account changes take it only to look the connector up or to
  // release units.
  std::mutex jobs_mu;
  // One job-state refresh at a time (jobs.cc), so a finished job's units are released once.
  // Taken before jobs_mu.
  std::mutex refresh_mu;
  // One usage pull at a time (usage_pull.cc): two pulls of one center would read the same
  // cursor; ingesting twice is harmless, but the cursor could step back.
  std::mutex pull_mu;
  std::map<std::string, std::unique_ptr<network::SerializedConnector>, std::less<>> connectors;
  // The cluster's connector, or null. Takes jobs_mu only to look it up: a call through the
  // pointer waits for that center's own lock, not for jobs on other centers.
  network::CenterConnector* ConnectorFor(std::string_view cluster) {
    std::lock_guard lock(jobs_mu);
    auto it = connectors.find(cluster);
    return it == connectors.end() ? nullptr : it->second.get();
  }
  // By (center id, resource type): a DCU job does not use the center's CPU cores.
  std::map<std::pair<std::int64_t, std::string>, std::uint32_t> units_held;
  routing::Router router;
  std::atomic<bool> ready{false};

  // Runs `body` as one step: takes the mutex, opens a transaction, commits it with the audit
  // entries and planned moves, writes the audit anchor, then executes the moves on the ledger.
  // On any error before the commit nothing is changed, and the error is returned. After the
  // commit the step has happened: if the ledger cannot run its moves now, they wait in the
  // outbox (run by the next step that moves money, the expiry sweep's DrainOutbox, or start-up)
  // and the step still answers with its value. Answering an error there made callers retry a
  // step that had happened, into a state conflict.
  template <typename T>
  Result<T> RunStep(const Principal& actor, const std::function<Result<T>(StepContext&)>& body);

  // Executes pending outbox rows (after a commit, and at start-up). Caller holds `mu`.
  Status ExecutePendingMoves();
  // Takes `mu` and executes pending outbox rows, logging a failure (the rows wait for the next
  // run); then finishes any fraud finding whose clawbacks were among them. For the timers.
  void DrainOutbox();
  // The account of `key`, created if missing (idempotent).
  Result<AccountId> EnsureAccount(const std::string& key, ledger::AccountKind kind,
                                  std::uint16_t flags, Instant expires_at = Instant(),
                                  std::int64_t credits_ceiling_fen = 0);
  Result<ledger::Account> LookupAccount(AccountId id);
};

// Writes a committed step's audit anchor. A failure is logged, not returned: the step's entries
// are in the chain (which verify checks whole; the anchor only pins how far it reached), and a
// caller told "failed" about a committed step would retry into a state conflict. The next
// anchor written covers these entries too.
void AdvanceAnchorAfterCommit(audit::AnchorFile& file, const audit::Anchor& head);
// Logs that a committed step's moves (the first named by `first_key`) wait in the outbox, when
// `ran` failed; nothing when it succeeded.
void LogOutboxFailure(const Status& ran, const std::string& first_key);

template <typename T>
Result<T> Platform::State::RunStep(const Principal& actor,
                                   const std::function<Result<T>(StepContext&)>& body) {
  std::lock_guard lock(mu);
  StepContext ctx{*this, actor, clock->Now(), *db, {}, false, std::nullopt, {}, {}};
  std::optional<T> value;
  {
    SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(*db));
    Result<T> result = body(ctx);
    const Status committed = result.ok() ? tx.Commit() : OkStatus();
    if (!result.ok() || !committed.ok()) {
      for (auto f = ctx.on_rollback.rbegin(); f != ctx.on_rollback.rend(); ++f) (*f)();
      return result.ok() ? committed.error() : result.error();  // tx's destructor rolls back
    }
    value = std::move(result).value();
  }
  for (auto f = ctx.on_commit.rbegin(); f != ctx.on_commit.rend(); ++f) (*f)();
  if (ctx.head) AdvanceAnchorAfterCommit(*anchor_file, *ctx.head);
  // The outbox runs every pending row, also any left by an earlier step.
  if (!ctx.moves.empty()) LogOutboxFailure(ExecutePendingMoves(), ctx.moves.front().key);
  return std::move(*value);
}

// The argon2id parameters passwords are hashed with (the cheap test ones with
// PlatformOptions::fast_password_hashing).
security::PasswordParams PasswordParamsOf(const Platform::State& s);

// Small helpers shared by the step files.
std::string Quoted(std::string_view s);  // a JSON string literal
Status RequireRole(const Principal& actor, std::initializer_list<Role> roles);
// Organisation-scoped access: officers, admins, auditors see all; applicants their own.
Status RequireOrgAccess(const Principal& actor, std::int64_t org_id);
Status RequireProviderAccess(const Principal& actor, std::int64_t provider_id);
// Why a provider retired a center or withdrew goods, for the audit record: at most
// kReasonBytesMax bytes (kOutOfRange on "reason"); may be empty.
inline constexpr std::size_t kReasonBytesMax = 500;  // a sentence or two, not a document
Status ValidateReason(std::string_view reason);
// An expert reads an organisation's records (documents, vouchers, related parties) only while on
// the panel of a claim that holds the organisation's settlements: these organisations' ids,
// sorted; empty for every other role. The caller holds `mu`.
Result<std::vector<std::int64_t>> ExpertPanelOrgs(storage::Db& db, const Principal& actor);
// Reading an organisation's records: RequireOrgAccess, and for an expert the organisations of
// `panel_orgs` (ExpertPanelOrgs) only, refused on `field`.
Status RequireOrgReadAccess(const Principal& actor, std::int64_t org_id,
                            const std::vector<std::int64_t>& panel_orgs, std::string_view field);
// A settlement's ledger key: "stl/<provider>/<settlement key>" (the provider's Idempotency-Key,
// or a metered settlement's derived key), so a retry lands on the same ledger transfer.
std::string SettlementLedgerKey(std::int64_t provider_id, std::string_view settlement_key);
// After a price entry for (center, partition) from `from` is recorded: re-rates the lines billed
// there for jobs started since, each at the price in force when it ran, with reversing and
// correction entries (metering::Rerate; lines already right are left alone, so it can run again).
Result<metering::RerateReport> RerateAfterPriceChange(Platform::State& s, const Center& center,
                                                     const std::string& partition, Date from);

// The tags of provider `provider_id`, sorted (provider_tags.cc).
Result<std::vector<std::string>> ProviderTagsOf(storage::Db& db, std::int64_t provider_id);
// The account holding what `org_id` owes `program_id` after a fraud finding, until repaid:
// credited by the recovery, debited by each repayment into the pool, never below zero
// (recovery.cc).
Result<AccountId> EnsureRecoveryDue(Platform::State& s, const std::string& program_id,
                                    std::int64_t org_id);
// Whether `program` runs "pay first, subsidy after" (mode reimbursement or post_use_subsidy):
// its approval makes an award, not a voucher (awards.cc).
bool PaysAwards(const policy::Program& program);
// The account a grant of `program` — a voucher or an award — is drawn from: its pool when the
// program states a yearly pool, else its funder (Yangzhou and Beijing state no yearly total:
// nothing to draw down) (awards.cc).
AccountId GrantSource(const Platform::State& s, const policy::Program& program);
// Approves application `application_id` into an award of `amount_fen` (awards.cc): the row,
// its account and the one move from GrantSource; the caller has updated the application.
// Returns the award's id.
Result<std::int64_t> IssueAward(StepContext& ctx, const policy::Program& program,
                                std::int64_t application_id, const Org& org,
                                std::int64_t contract_id, std::int64_t amount_fen);
// Withdraws the unpaid awards of `org_id` in `program_id` after a fraud finding (awards.cc):
// each moves back to GrantSource; returns what was withdrawn.
Result<std::int64_t> WithdrawAwards(StepContext& ctx, const policy::Program& program,
                                    std::int64_t org_id);
// Evidence an organisation cites (a payment receipt, an invoice, a delivery proof): document
// `document_id` must exist (kNotFound), be the organisation's own (kForbidden), of `kind`
// (kOutOfRange) and not rejected (kNotEligible; one under review may be cited: the officer
// reviews it with what cites it); every error on `field` (documents.cc).
Status RequireOrgEvidence(storage::Db& db, std::int64_t org_id, std::int64_t document_id,
                          std::string_view kind, const std::string& field);
// Whether the organisation, not the provider, draws on `program`'s vouchers: apply_then_redeem
// (Beijing, Hangzhou), redeemed with invoice and delivery proof (redemptions.cc).
bool RedeemedByOrg(const policy::Program& program);
// The same of one voucher: by its terms (fixed at issue), else by its program as loaded.
bool RedeemedByOrg(const VoucherEntry& voucher);
// The share of a base price a customer of `discount_class` pays (metering.cc): max(its class's
// share, the floor) as the loaded program defining classes A–E says (seed 002); 100 % without
// a class; kNotFound for a class no loaded program defines. What metering rates usage at.
Result<Rate> DiscountShareOf(const Platform::State& s, std::optional<char> discount_class);
// The tier an application's recorded quote (quote_json) names, or "" (vouchers.cc).
std::string TierOfQuote(std::string_view quote_json);
// Refuses the submitted redemptions of `org_id` in `program` after a fraud finding
// (redemptions.cc): each held amount goes back to the pool; returns what was returned.
Result<std::int64_t> RefuseHeldRedemptions(StepContext& ctx, const policy::Program& program,
                                           std::int64_t org_id);
// Per voucher: what paid redemptions used and submitted ones hold, from the table; at start-up
// (redemptions.cc).
Status LoadRedemptionTotals(Platform::State& s);
// Finding `id` as recorded (recovery.cc).
Result<Enforcement> LoadEnforcement(storage::Db& db, std::int64_t id);
// Runs the second step of every fraud finding a stop left without it (enforcement.cc); at
// start-up, after the outbox has run.
Status TallyPendingFindings(Platform::State& s);
// The organisation and days a metered settlement's bill number names ("M-<org>-<first>..<last>",
// kMeteredBillPrefix), or nullopt for any other bill number (metered_settlement.cc).
struct MeteredBillNo {
  std::int64_t org_id = 0;
  metering::Period days;
};
std::optional<MeteredBillNo> ParseMeteredBillNo(std::string_view bill_no);
// Recording the bank transfer that pays what the program owes an organisation (an award, a
// redemption): paid whole, once. A reference is at most 200 bytes (any bank's fits, and the
// audit detail stays small).
inline constexpr std::size_t kBankReferenceBytesMax = 200;
// The payout's own fields: amount > 0 (kNegativeAmount / kOutOfRange), reference 1..200 bytes.
Status ValidateBankPayout(std::int64_t amount_fen, std::string_view bank_reference);
struct WholePayout {
  std::string_view status;          // the row's
  std::string_view payable_status;  // the status it can be paid in: "awarded", "submitted"
  std::int64_t amount_fen = 0;
  std::string_view bank_reference;  // "" until paid
  std::optional<Instant> paid_at;
};
// Against the row, in the payout's step: true when it was paid already by this very transfer
// (a retry: answer the row as it is); false when it is to be paid now; kStateConflict when paid
// under another reference or not payable, kContradiction when `amount_fen` is not the whole.
// `what` names it in the errors ("award", "redemption").
Result<bool> CheckWholePayout(std::string_view what, const WholePayout& owed,
                              std::int64_t amount_fen, const std::string& bank_reference);
// Free text a person writes (a reason, a finding, a comment) goes into audit entries, whose
// detail is at most audit::kDetailBytesMax: bounded well below it, so an over-long text is
// refused on its own field before anything changes instead of failing the step at its audit.
inline constexpr std::size_t kFreeTextBytesMax = 4000;
// A required text field: kMissingField on `field` when `value` is empty, kOutOfRange when it is
// longer than `max_bytes`.
Status RequireText(std::string_view value, std::string_view field,
                   std::size_t max_bytes = kFreeTextBytesMax);
Error NotFound(std::string_view what, std::int64_t id);

}  // namespace suanli::workflow
