// Deterministic simulation of the ledger: from a seed, a random mix of account creations,
// fundings, grants, balancing deductions, holds with timeouts, posts, voids, lapses, payouts,
// clawbacks, duplicate and conflicting idempotency keys, linked chains, clock jumps, injected
// store faults and crashes (close + reopen = recovery). Every outcome is compared with a
// simple reference model (maps, copies, no undo log), and every account after every step.
// SUANLI_SIM_SEED=N runs only seed N (a failure prints its seed; the run replays exactly).
#include <gtest/gtest.h>

#include <cstdio>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/ledger_testing.h"
#include "ledger/memory_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace suanli::ledger {
namespace {

constexpr std::uint32_t kCny = kLedgerCny;

using test_support::Key;

// 200 seeds in 4 shards (separate ctest cases, so `ctest -j` runs them side by side).
constexpr int kMemoryShards = 4;
constexpr int kMemorySeedsPerShard = 50;
constexpr int kMemorySteps = 100;
constexpr int kSqliteSeeds = 10;
constexpr int kSqliteSteps = 60;

// ---------------------------------------------------------------------------------------------
// The reference model: the ledger's rules written as plainly as possible.

struct MAccount {
  AccountSpec spec;
  std::int64_t ts = 0, dp = 0, cp = 0, dpend = 0, cpend = 0;
};
struct MTransfer {
  TransferSpec spec;
  std::uint64_t debit = 0, credit = 0;
  std::uint32_t ledger = 0;
  std::int64_t amount = 0, ts = 0;
  TransferState state = TransferState::kPosted;
};

struct Model {
  std::vector<MAccount> accounts;  // id = index + 1
  std::map<std::string, std::size_t> account_keys;
  std::vector<MTransfer> transfers;  // id = index + 1
  std::map<std::string, std::size_t> transfer_keys;
  std::int64_t last_ts = 0;

  std::int64_t NextTs(std::int64_t now) const { return std::max(now, last_ts + 1); }
  std::int64_t GroupCredits(std::uint64_t group) const {
    std::int64_t sum = 0;
    for (const MAccount& a : accounts) {
      if (a.spec.cap_group_id.value == group) sum += a.cp + a.cpend;
    }
    return sum;
  }

  void AutoVoid(std::int64_t now) {
    std::vector<std::pair<std::int64_t, std::size_t>> due;
    for (std::size_t i = 0; i < transfers.size(); ++i) {
      const MTransfer& t = transfers[i];
      const std::int64_t deadline = t.ts + std::int64_t{t.spec.timeout_s} * kMicrosPerSecond;
      if (t.state == TransferState::kPending && t.spec.timeout_s != 0 && deadline <= now) {
        due.emplace_back(deadline, i);
      }
    }
    std::sort(due.begin(), due.end());
    for (const auto& [deadline, i] : due) {
      last_ts = NextTs(now);
      Resolve(i, 0, TransferState::kPendingExpired);
    }
  }

  void Resolve(std::size_t p, std::int64_t posted, TransferState state) {
    MTransfer& t = transfers[p];
    MAccount& d = accounts[t.debit - 1];
    MAccount& c = accounts[t.credit - 1];
    d.dpend -= t.amount;
    c.cpend -= t.amount;
    d.dp += posted;
    c.cp += posted;
    t.state = state;
  }

  AccountOutcome CreateAccount(const AccountSpec& s, std::int64_t now) {
    AccountOutcome out;
    if (s.key.empty() || s.key.size() > 64) return Code(out, ResultCode::kKeyInvalid);
    if (auto it = account_keys.find(s.key); it != account_keys.end()) {
      const AccountSpec& o = accounts[it->second].spec;
      out.field = o.ledger != s.ledger                             ? "ledger"
                  : o.kind != s.kind                               ? "kind"
                  : o.flags != s.flags                             ? "flags"
                  : o.credits_ceiling_fen != s.credits_ceiling_fen ? "credits_ceiling_fen"
                  : o.cap_group_id != s.cap_group_id               ? "cap_group_id"
                  : o.expires_at != s.expires_at                   ? "expires_at"
                  : o.user_data != s.user_data                     ? "user_data"
                                                                   : "";
      if (!out.field.empty()) return Code(out, ResultCode::kExistsWithDifferentFields);
      out.duplicate = true;
      out.id = AccountId(it->second + 1);
      out.timestamp = Instant::FromMicros(accounts[it->second].ts);
      return out;
    }
    if (s.kind == AccountKind::kVoucher && s.credits_ceiling_fen == 0) {
      return Code(out, ResultCode::kCeilingInvalid);
    }
    if (s.cap_group_id.valid() &&
        (s.cap_group_id.value > accounts.size() ||
         accounts[s.cap_group_id.value - 1].spec.kind != AccountKind::kCapGroup)) {
      return Code(out, ResultCode::kCapGroupNotFound);
    }
    last_ts = NextTs(now);
    accounts.push_back(MAccount{s, last_ts});
    account_keys[s.key] = accounts.size() - 1;
    out.id = AccountId(accounts.size());
    out.timestamp = Instant::FromMicros(last_ts);
    return out;
  }

  static std::string_view TransferDiff(const TransferSpec& s, const MTransfer& t) {
    const bool resolve = t.spec.flags & (kPostPending | kVoidPending);
    auto differs = [resolve](std::uint64_t given, std::uint64_t stored) {
      return given != stored && !(resolve && given == 0);
    };
    if (s.flags != t.spec.flags) return "flags";
    if (differs(s.debit_account_id.value, t.debit)) return "debit_account_id";
    if (differs(s.credit_account_id.value, t.credit)) return "credit_account_id";
    if (s.amount_fen != t.spec.amount_fen) return "amount_fen";
    if (differs(s.ledger, t.ledger)) return "ledger";
    if (s.code != t.spec.code) return "code";
    if (s.pending_id != t.spec.pending_id) return "pending_id";
    if (s.timeout_s != t.spec.timeout_s) return "timeout_s";
    if (s.user_data != t.spec.user_data) return "user_data";
    return {};
  }

  template <typename O>
  static O Code(O out, ResultCode c) {
    out.code = c;
    return out;
  }

  TransferOutcome Transfer(const TransferSpec& s, std::int64_t now) {
    TransferOutcome out;
    if (s.key.empty() || s.key.size() > 64) return Code(out, ResultCode::kKeyInvalid);
    if (auto it = transfer_keys.find(s.key); it != transfer_keys.end()) {
      const MTransfer& t = transfers[it->second];
      out.field = TransferDiff(s, t);
      if (!out.field.empty()) return Code(out, ResultCode::kExistsWithDifferentFields);
      out.duplicate = true;
      out.id = TransferId(it->second + 1);
      out.amount_fen = t.amount;
      out.timestamp = Instant::FromMicros(t.ts);
      return out;
    }
    const std::uint16_t f = s.flags;
    const bool post = f & kPostPending, void_ = f & kVoidPending;
    if (post && void_) return Code(out, ResultCode::kInvalidFlags);
    if ((post || void_) && (f & (kPending | kBalancingDebit | kLapse | kClawback))) {
      return Code(out, ResultCode::kInvalidFlags);
    }
    if ((f & kLapse) && (f & kClawback)) return Code(out, ResultCode::kInvalidFlags);
    if (!(post || void_) && s.pending_id.valid()) return Code(out, ResultCode::kInvalidFlags);
    if (s.timeout_s != 0 && !(f & kPending)) return Code(out, ResultCode::kTimeoutInvalid);
    const std::int64_t ts = NextTs(now);
    MTransfer t{s};
    if (post || void_) {
      const std::uint64_t pid = s.pending_id.value;
      if (pid == 0 || pid > transfers.size() || !(transfers[pid - 1].spec.flags & kPending)) {
        return Code(out, ResultCode::kPendingNotFound);
      }
      const MTransfer& p = transfers[pid - 1];
      if (p.state == TransferState::kPendingPosted) return Code(out, ResultCode::kPendingAlreadyPosted);
      if (p.state == TransferState::kPendingVoided) return Code(out, ResultCode::kPendingAlreadyVoided);
      if (p.state == TransferState::kPendingExpired) return Code(out, ResultCode::kPendingExpired);
      if (p.spec.timeout_s != 0 && ts >= p.ts + std::int64_t{p.spec.timeout_s} * kMicrosPerSecond) {
        return Code(out, ResultCode::kPendingExpired);
      }
      if ((s.debit_account_id.valid() && s.debit_account_id.value != p.debit) ||
          (s.credit_account_id.valid() && s.credit_account_id.value != p.credit) ||
          (s.ledger != 0 && s.ledger != p.ledger)) {
        return Code(out, ResultCode::kPendingMismatch);
      }
      std::int64_t amount = p.amount;
      if (void_ && s.amount_fen != 0 && s.amount_fen != p.amount) {
        return Code(out, ResultCode::kAmountMustBeZero);
      }
      if (post) {
        if (s.amount_fen < 0) return Code(out, ResultCode::kAmountMustBePositive);
        if (s.amount_fen > p.amount) return Code(out, ResultCode::kPendingAmountExceeded);
        if (s.amount_fen > 0) amount = s.amount_fen;
      }
      t.debit = p.debit;
      t.credit = p.credit;
      t.ledger = p.ledger;
      t.amount = amount;
      Resolve(pid - 1, post ? amount : 0,
              post ? TransferState::kPendingPosted : TransferState::kPendingVoided);
    } else {
      if (s.amount_fen <= 0) return Code(out, ResultCode::kAmountMustBePositive);
      if (s.amount_fen > limits::kAmountFenMax) return Code(out, ResultCode::kAmountTooLarge);
      if (s.debit_account_id == s.credit_account_id) {
        return Code(out, ResultCode::kAccountsMustBeDifferent);
      }
      const std::uint64_t di = s.debit_account_id.value, ci = s.credit_account_id.value;
      if (di == 0 || di > accounts.size()) return Code(out, ResultCode::kDebitAccountNotFound);
      if (ci == 0 || ci > accounts.size()) return Code(out, ResultCode::kCreditAccountNotFound);
      MAccount& d = accounts[di - 1];
      MAccount& c = accounts[ci - 1];
      if (d.spec.kind == AccountKind::kCapGroup || c.spec.kind == AccountKind::kCapGroup) {
        return Code(out, ResultCode::kAccountIsCapGroup);
      }
      if (s.ledger != d.spec.ledger || s.ledger != c.spec.ledger) {
        return Code(out, ResultCode::kLedgerMismatch);
      }
      if (d.spec.expires_at.micros() != 0 && ts >= d.spec.expires_at.micros() &&
          !(f & (kLapse | kClawback))) {
        return Code(out, ResultCode::kAccountExpired);
      }
      std::int64_t amount = s.amount_fen;
      if (d.spec.flags & kDebitsMustNotExceedCredits) {
        const std::int64_t available = d.cp - d.dp - d.dpend;
        if (f & kBalancingDebit) amount = std::min(amount, std::max<std::int64_t>(available, 0));
        if (amount == 0 || amount > available) return Code(out, ResultCode::kExceedsCredits);
      }
      if (c.spec.credits_ceiling_fen > 0 && c.cp + c.cpend + amount > c.spec.credits_ceiling_fen) {
        return Code(out, ResultCode::kExceedsCeiling);
      }
      if (c.spec.cap_group_id.valid() &&
          GroupCredits(c.spec.cap_group_id.value) + amount >
              accounts[c.spec.cap_group_id.value - 1].spec.credits_ceiling_fen) {
        return Code(out, ResultCode::kExceedsCapGroup);
      }
      const bool pending = f & kPending;
      (pending ? d.dpend : d.dp) += amount;
      (pending ? c.cpend : c.cp) += amount;
      t.debit = di;
      t.credit = ci;
      t.ledger = s.ledger;
      t.amount = amount;
      t.state = pending ? TransferState::kPending : TransferState::kPosted;
    }
    last_ts = ts;
    t.ts = ts;
    transfers.push_back(t);
    transfer_keys[s.key] = transfers.size() - 1;
    out.id = TransferId(transfers.size());
    out.amount_fen = t.amount;
    out.timestamp = Instant::FromMicros(ts);
    return out;
  }

  // A request of transfers with linked chains, as the ledger applies it.
  std::vector<TransferOutcome> Transfers(const std::vector<TransferSpec>& specs, std::int64_t now) {
    std::vector<TransferOutcome> out(specs.size());
    std::size_t i = 0;
    while (i < specs.size()) {
      std::size_t end = i;
      while (end < specs.size() && (specs[end].flags & kLinked)) ++end;
      if (end == specs.size()) {
        for (std::size_t k = i; k < specs.size(); ++k) {
          out[k].code = k + 1 == specs.size() ? ResultCode::kLinkedEventChainOpen
                                              : ResultCode::kLinkedEventFailed;
        }
        break;
      }
      const Model saved = *this;
      std::size_t failed = end + 1;
      for (std::size_t k = i; k <= end && failed > end; ++k) {
        out[k] = Transfer(specs[k], now);
        if (out[k].code != ResultCode::kOk) failed = k;
      }
      if (failed <= end) {
        *this = saved;
        for (std::size_t k = i; k <= end; ++k) {
          if (k != failed) out[k] = Code(TransferOutcome(), ResultCode::kLinkedEventFailed);
        }
      }
      i = end + 1;
    }
    return out;
  }
};

// ---------------------------------------------------------------------------------------------
// The simulation

struct StoreKit {
  std::unique_ptr<MemoryStore> memory;
  std::unique_ptr<storage::SqliteStore> sqlite;
  std::string sqlite_path;
  Store* base = nullptr;
};

class Simulation {
 public:
  Simulation(std::uint64_t seed, std::string sqlite_path)
      : seed_(seed), rng_(seed), clock_(Instant::FromUnixSeconds(1'735'660'800)) {
    kit_.sqlite_path = std::move(sqlite_path);
    if (kit_.sqlite_path.empty()) {
      kit_.memory = std::make_unique<MemoryStore>();
      kit_.base = kit_.memory.get();
    }
  }

  // Runs `steps` steps; returns "" or a description of the first divergence.
  std::string Run(int steps) {
    Reopen();
    if (!failure_.empty()) return failure_;
    Setup();
    for (step_ = 0; step_ < steps && failure_.empty(); ++step_) {
      Step();
      if (failure_.empty()) CompareAccounts();
    }
    if (failure_.empty()) {
      Reopen();
      CompareAccounts();
      auto report = ledger_->CheckInvariants();
      if (!report.ok() || !report->ok()) Fail("final invariant check failed");
    }
    ledger_.reset();
    return failure_;
  }

 private:
  std::uint64_t Rand(std::uint64_t n) { return rng_() % n; }
  bool Chance(int percent) { return Rand(100) < static_cast<std::uint64_t>(percent); }
  std::int64_t Now() { return clock_.Now().micros(); }
  void Fail(const std::string& what) {
    if (failure_.empty()) {
      failure_ = "seed " + std::to_string(seed_) + " step " + std::to_string(step_) + ": " + what;
    }
  }

  void Reopen() {
    ledger_.reset();
    faults_.reset();
    if (!kit_.sqlite_path.empty()) {
      kit_.sqlite.reset();
      auto s = storage::SqliteStore::Open(storage::SqliteStoreOptions{kit_.sqlite_path, 8192});
      if (!s.ok()) return Fail("sqlite open: " + s.error().ToString());
      kit_.sqlite = std::move(s).value();
      kit_.base = kit_.sqlite.get();
    }
    faults_ = std::make_unique<FaultStore>(kit_.base);
    auto opened = Ledger::Open(LedgerOptions{&clock_, faults_.get()});
    if (!opened.ok()) return Fail("recovery failed: " + opened.error().ToString());
    ledger_ = std::move(opened).value();
  }

  TransferSpec Spec(std::uint64_t d, std::uint64_t c, std::int64_t amount, std::uint16_t flags) {
    TransferSpec s;
    s.key = Key("t", next_key_++);
    s.debit_account_id = AccountId(d);
    s.credit_account_id = AccountId(c);
    s.amount_fen = amount;
    s.ledger = kCny;
    s.flags = flags;
    s.code = static_cast<std::uint16_t>(Rand(3));
    return s;
  }

  std::uint64_t Pick(const std::vector<std::uint64_t>& ids) {
    return ids.empty() ? 999 : ids[Rand(ids.size())];
  }

  void Setup() {
    std::vector<AccountSpec> specs = {
        {"funder", kCny, AccountKind::kFunder, 0, 0, {}, {}, 0},
        {"pool-chengdu", kCny, AccountKind::kPool, kDebitsMustNotExceedCredits, 0, {}, {}, 0},
        {"pool-sichuan", kCny, AccountKind::kPool, kDebitsMustNotExceedCredits, 0, {}, {}, 0},
        {"lapsed", kCny, AccountKind::kLapsed, 0, 0, {}, {}, 0},
        {"recv-a", kCny, AccountKind::kProviderReceivable, kDebitsMustNotExceedCredits, 0, {}, {}, 0},
        {"recv-b", kCny, AccountKind::kProviderReceivable, kDebitsMustNotExceedCredits, 0, {}, {}, 0},
        {"payout", kCny, AccountKind::kPayout, 0, 0, {}, {}, 0},
        {"org-a-2025", kCny, AccountKind::kCapGroup, 0,
         static_cast<std::int64_t>(5'000'00 + Rand(30'000'00)), {}, {}, 0},
        {"org-b-2025", kCny, AccountKind::kCapGroup, 0,
         static_cast<std::int64_t>(5'000'00 + Rand(30'000'00)), {}, {}, 0},
    };
    CreateAccounts(specs);
    pools_ = {2, 3};
    receivables_ = {5, 6};
    groups_ = {8, 9};
  }

  void CreateAccounts(const std::vector<AccountSpec>& specs) {
    const std::int64_t now = Now();
    Model next = model_;
    next.AutoVoid(now);
    std::vector<AccountOutcome> expected;
    for (const AccountSpec& s : specs) expected.push_back(next.CreateAccount(s, now));
    auto got = Write([&] { return ledger_->CreateAccounts(specs); }, &next);
    if (!got) return;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const AccountOutcome& e = expected[i];
      const AccountOutcome& g = (*got)[i];
      if (e.code != g.code || e.duplicate != g.duplicate || e.id != g.id ||
          e.timestamp != g.timestamp || e.field != g.field) {
        return Fail("account " + specs[i].key + ": expected " +
                    std::string(ResultCodeName(e.code)) + " got " +
                    std::string(ResultCodeName(g.code)) + " field " + std::string(g.field));
      }
      if (g.code == ResultCode::kOk && !g.duplicate && specs[i].kind == AccountKind::kVoucher) {
        vouchers_.push_back(g.id.value);
      }
    }
  }

  void Transfers(const std::vector<TransferSpec>& specs) {
    const std::int64_t now = Now();
    Model next = model_;
    next.AutoVoid(now);
    const std::vector<TransferOutcome> expected = next.Transfers(specs, now);
    auto got = Write([&] { return ledger_->CreateTransfers(specs); }, &next);
    sent_.insert(sent_.end(), specs.begin(), specs.end());
    if (!got) return;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const TransferOutcome& e = expected[i];
      const TransferOutcome& g = (*got)[i];
      if (e.code != g.code || e.duplicate != g.duplicate || e.id != g.id ||
          e.amount_fen != g.amount_fen || e.timestamp != g.timestamp || e.field != g.field) {
        return Fail("transfer " + specs[i].key + ": expected " +
                    std::string(ResultCodeName(e.code)) + " id " + std::to_string(e.id.value) +
                    " amount " + std::to_string(e.amount_fen) + ", got " +
                    std::string(ResultCodeName(g.code)) + " id " + std::to_string(g.id.value) +
                    " amount " + std::to_string(g.amount_fen) + " field " + std::string(g.field) +
                    " dup " + std::to_string(e.duplicate) + "/" + std::to_string(g.duplicate) +
                    " ts " + std::to_string(e.timestamp.micros()) + "/" +
                    std::to_string(g.timestamp.micros()));
      }
      if (g.code == ResultCode::kOk && !g.duplicate && (specs[i].flags & kPending)) {
        pendings_.push_back(g.id.value);
      }
    }
  }

  // Sends one write with perhaps an injected fault; commits `next` into the model when the
  // write is (or turned out to be) durable. Returns the outcomes when they are to be compared.
  template <typename Call>
  auto Write(Call call, Model* next) -> decltype(call()) {
    Fault fault = Fault::kNone;
    if (Chance(8)) fault = static_cast<Fault>(1 + Rand(4));
    faults_->FailNextAppend(fault);
    const std::uint64_t injected_before = faults_->faults_injected();
    auto got = call();
    const bool fired = faults_->faults_injected() != injected_before;
    faults_->FailNextAppend(Fault::kNone);  // a batch with nothing to write never appends
    if (!fired) {
      if (!got.ok()) {
        Fail("unexpected error: " + got.error().ToString());
        return got;
      }
      model_ = std::move(*next);
      return got;
    }
    const ErrorCode want = fault == Fault::kFailBeforeWrite ? ErrorCode::kIo
                           : fault == Fault::kConflict      ? ErrorCode::kConflict
                                                            : ErrorCode::kIoUncertain;
    if (got.ok() || got.error().code != want) {
      Fail("fault " + std::to_string(static_cast<int>(fault)) + " gave the wrong result");
      return got;
    }
    if (want == ErrorCode::kIoUncertain) {
      // Sticky: the next write is refused; then a crash and recovery.
      auto refused = ledger_->CreateTransfers({Spec(2, 3, 1, 0)});
      if (refused.ok() || refused.error().code != ErrorCode::kReadOnly) {
        Fail("write after an uncertain failure was not refused");
      }
      if (fault == Fault::kUncertainWritten) model_ = std::move(*next);
      Reopen();
    }
    return got.error();  // not compared: the client retries later with the same keys
  }

  void Step() {
    const std::uint64_t kind = Rand(100);
    if (Chance(30)) clock_.Advance(static_cast<std::int64_t>(Rand(30)) * kMicrosPerSecond);
    if (kind < 8) return CreateVoucher();
    if (kind < 14) return Transfers({Spec(1, Pick(pools_), 1 + static_cast<std::int64_t>(Rand(50'000'00)), 0)});
    if (kind < 26) {  // grant
      return Transfers({Spec(Pick(pools_), Pick(vouchers_), 1 + static_cast<std::int64_t>(Rand(6'000'00)), 0)});
    }
    if (kind < 42) {  // deduction: min(50 % of the bill, remaining)
      const std::int64_t bill = 1 + static_cast<std::int64_t>(Rand(4'000'00));
      return Transfers({Spec(Pick(vouchers_), Pick(receivables_), (bill + 1) / 2, kBalancingDebit)});
    }
    if (kind < 52) {  // hold
      TransferSpec s = Spec(Pick(vouchers_), Pick(receivables_),
                            1 + static_cast<std::int64_t>(Rand(2'000'00)), kPending);
      s.timeout_s = Chance(70) ? 1 + static_cast<std::uint32_t>(Rand(60)) : 0;
      return Transfers({s});
    }
    if (kind < 62) return Resolve();
    if (kind < 66) {  // lapse (only expired vouchers will pass... or any: lapse is allowed)
      return Transfers({Spec(Pick(vouchers_), 4, limits::kAmountFenMax, kBalancingDebit | kLapse)});
    }
    if (kind < 71) {  // payout
      return Transfers({Spec(Pick(receivables_), 7, 1 + static_cast<std::int64_t>(Rand(3'000'00)), 0)});
    }
    if (kind < 74) {  // clawback from a receivable to a pool
      return Transfers({Spec(Pick(receivables_), Pick(pools_),
                             1 + static_cast<std::int64_t>(Rand(1'000'00)), kClawback)});
    }
    if (kind < 84) return Resend();
    if (kind < 93) return Chain();
    if (kind < 96) return Batch();
    Reopen();  // a crash
  }

  void CreateVoucher() {
    if (Chance(15) && !voucher_specs_.empty()) {  // resend: duplicate or conflicting
      AccountSpec s = voucher_specs_[Rand(voucher_specs_.size())];
      if (Chance(50)) s.credits_ceiling_fen += 1;
      return CreateAccounts({s});
    }
    AccountSpec s{Key("v", next_key_++), kCny, AccountKind::kVoucher,
                  kDebitsMustNotExceedCredits, 1'000'00 + static_cast<std::int64_t>(Rand(9'000'00)),
                  {}, {}, Rand(1000)};
    if (Chance(50)) s.cap_group_id = AccountId(Pick(groups_));
    if (Chance(50)) s.expires_at = Instant::FromMicros(Now() + static_cast<std::int64_t>(Rand(600)) * kMicrosPerSecond);
    voucher_specs_.push_back(s);
    CreateAccounts({s});
  }

  void Resolve() {
    TransferSpec s = Spec(0, 0, 0, Chance(60) ? kPostPending : kVoidPending);
    s.ledger = Chance(50) ? kCny : 0;
    s.pending_id = TransferId(pendings_.empty() || Chance(5) ? 1 + Rand(50) : pendings_[Rand(pendings_.size())]);
    if ((s.flags & kPostPending) && Chance(50)) s.amount_fen = 1 + static_cast<std::int64_t>(Rand(2'000'00));
    Transfers({s});
  }

  void Resend() {
    if (sent_.empty()) return;
    TransferSpec s = sent_[Rand(sent_.size())];
    s.flags &= static_cast<std::uint16_t>(~kLinked);
    if (Chance(40)) {
      switch (Rand(3)) {
        case 0: s.amount_fen += 1; break;
        case 1: s.user_data += 1; break;
        default: s.code = static_cast<std::uint16_t>(s.code + 1); break;
      }
    }
    Transfers({s});
  }

  void Chain() {  // grant + deduction (+ hold), linked; sometimes doomed or left open
    std::vector<TransferSpec> specs;
    const std::uint64_t v = Pick(vouchers_);
    specs.push_back(Spec(Pick(pools_), v, 1 + static_cast<std::int64_t>(Rand(3'000'00)), kLinked));
    specs.push_back(Spec(v, Pick(receivables_), 1 + static_cast<std::int64_t>(Rand(3'000'00)),
                         Chance(50) ? kLinked | kBalancingDebit : kLinked));
    if (Chance(30)) specs.push_back(Spec(v, v, 1, kLinked));  // accounts_must_be_different
    if (!Chance(10)) specs.back().flags &= static_cast<std::uint16_t>(~kLinked);
    Transfers(specs);
  }

  void Batch() {  // a provider's settlement run: several independent deductions
    std::vector<TransferSpec> specs;
    const std::uint64_t n = 2 + Rand(6);
    for (std::uint64_t i = 0; i < n; ++i) {
      specs.push_back(Spec(Pick(vouchers_), Pick(receivables_),
                           1 + static_cast<std::int64_t>(Rand(1'000'00)), kBalancingDebit));
    }
    Transfers(specs);
  }

  void CompareAccounts() {
    if (!ledger_) return Fail("no ledger");
    std::vector<AccountId> ids;
    for (std::size_t i = 0; i < model_.accounts.size(); ++i) ids.push_back(AccountId(i + 1));
    ids.push_back(AccountId(model_.accounts.size() + 1));  // must not exist
    auto got = ledger_->LookupAccounts(ids);
    if (!got.ok()) return Fail("lookup: " + got.error().ToString());
    if ((*got).back().has_value()) return Fail("ledger has more accounts than the model");
    for (std::size_t i = 0; i < model_.accounts.size(); ++i) {
      const MAccount& m = model_.accounts[i];
      const std::optional<Account>& a = (*got)[i];
      if (!a || a->key != m.spec.key || a->debits_posted_fen != m.dp ||
          a->credits_posted_fen != m.cp || a->debits_pending_fen != m.dpend ||
          a->credits_pending_fen != m.cpend) {
        return Fail("account " + m.spec.key + " differs from the model");
      }
      if (m.spec.kind == AccountKind::kCapGroup &&
          (a->cap_group_credits_fen != model_.GroupCredits(i + 1) ||
           a->cap_group_credits_fen > m.spec.credits_ceiling_fen)) {
        return Fail("cap group " + m.spec.key + " differs from the model");
      }
      if (m.spec.kind == AccountKind::kVoucher &&
          (m.dp + m.dpend > m.cp || m.cp + m.cpend > m.spec.credits_ceiling_fen)) {
        return Fail("voucher " + m.spec.key + " below zero or above its grant");
      }
    }
    if (step_ % 10 == 0) {
      auto report = ledger_->CheckInvariants();
      if (!report.ok() || !report->ok()) Fail("invariant check failed");
    }
  }

  std::uint64_t seed_;
  std::mt19937_64 rng_;
  ManualClock clock_;
  StoreKit kit_;
  std::unique_ptr<FaultStore> faults_;
  std::unique_ptr<Ledger> ledger_;
  Model model_;
  std::vector<std::uint64_t> pools_, receivables_, groups_, vouchers_, pendings_;
  std::vector<AccountSpec> voucher_specs_;
  std::vector<TransferSpec> sent_;
  std::uint64_t next_key_ = 1;
  int step_ = 0;
  std::string failure_;
};

std::vector<std::uint64_t> Seeds(int count, std::uint64_t first) {
  if (const char* env = std::getenv("SUANLI_SIM_SEED")) return {std::strtoull(env, nullptr, 10)};
  std::vector<std::uint64_t> seeds;
  for (int i = 0; i < count; ++i) seeds.push_back(first + static_cast<std::uint64_t>(i));
  return seeds;
}

class MemorySimulation : public ::testing::TestWithParam<int> {};

TEST_P(MemorySimulation, StoreWithFaults) {
  if (std::getenv("SUANLI_SIM_SEED") != nullptr && GetParam() != 0) GTEST_SKIP();
  const auto first = static_cast<std::uint64_t>(1 + GetParam() * kMemorySeedsPerShard);
  for (const std::uint64_t seed : Seeds(kMemorySeedsPerShard, first)) {
    const std::string failure = Simulation(seed, "").Run(kMemorySteps);
    ASSERT_EQ(failure, "") << "replay with SUANLI_SIM_SEED=" << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Shards, MemorySimulation, ::testing::Range(0, kMemoryShards));

TEST(LedgerSimulation, SqliteFiles) {
  const auto dir = std::filesystem::temp_directory_path() /
                   (Key("suanli-sim-", static_cast<std::uint64_t>(::getpid())));
  for (const std::uint64_t seed : Seeds(kSqliteSeeds, 10'001)) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string failure = Simulation(seed, (dir / "ledger.db").string()).Run(kSqliteSteps);
    ASSERT_EQ(failure, "") << "replay with SUANLI_SIM_SEED=" << seed;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suanli::ledger
