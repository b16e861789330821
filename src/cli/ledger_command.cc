// `suanli ledger`: `demo` runs a small voucher program on a SQLite ledger (fund a pool, grant a
// voucher, settle bills at 50 %, pay the provider, lapse the rest) and prints the balances;
// `verify` recovers a ledger directory and checks every invariant. Both are idempotent: the
// demo's keys are fixed, so a second run shows every event as a duplicate.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/money.h"
#include "ledger/ledger.h"
#include "storage/sqlite/sqlite_store.h"

namespace suanli::cli {
namespace {

using ledger::AccountKind;
using ledger::AccountSpec;
using ledger::Ledger;
using ledger::TransferSpec;

constexpr std::uint32_t kCny = ledger::kLedgerCny;

struct Opened {
  std::unique_ptr<storage::SqliteStore> store;
  std::unique_ptr<Ledger> ledger;
};

Result<Opened> OpenLedger(const std::string& dir, Clock* clock) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "data", "cannot create " + dir + ": " + ec.message());
  Opened o;
  SUANLI_ASSIGN(o.store, storage::SqliteStore::Open(
                             storage::SqliteStoreOptions{(std::filesystem::path(dir) / "ledger.db").string()}));
  SUANLI_ASSIGN(o.ledger, Ledger::Open(ledger::LedgerOptions{clock, o.store.get()}));
  return o;
}

std::string Yuan(std::int64_t fen) { return Money::FromFen(fen).FormatYuan(); }

TransferSpec Transfer(std::string key, AccountId debit, AccountId credit, std::int64_t amount_fen,
                      std::uint16_t flags = 0) {
  return ledger::MakeTransfer(std::move(key), debit, credit, amount_fen, kCny, flags);
}

void PrintTransfer(const TransferSpec& spec, const ledger::TransferOutcome& o) {
  std::printf("  %-28s %-14s %18s%s\n", spec.key.c_str(),
              std::string(ledger::ResultCodeName(o.code)).c_str(), Yuan(o.amount_fen).c_str(),
              o.duplicate ? "  (duplicate: original result)" : "");
}

// Submits transfers one request each (as separate clients would) and prints each outcome.
Status Run(Ledger& l, const std::vector<TransferSpec>& specs) {
  for (const TransferSpec& spec : specs) {
    SUANLI_ASSIGN(const auto out, l.CreateTransfers({spec}));
    PrintTransfer(spec, out[0]);
  }
  return OkStatus();
}

Status Demo(const std::string& dir) {
  SystemClock clock;
  SUANLI_ASSIGN(Opened o, OpenLedger(dir, &clock));
  Ledger& l = *o.ledger;
  const std::uint16_t no_overdraw = ledger::kDebitsMustNotExceedCredits;
  SUANLI_ASSIGN(const auto accounts,
                l.CreateAccounts({
                    {"chengdu/funder/city-budget", kCny, AccountKind::kFunder, 0, 0, {}, {}, 0},
                    {"chengdu-2024/pool/city", kCny, AccountKind::kPool, no_overdraw, 0, {}, {}, 0},
                    {"chengdu-2024/lapsed", kCny, AccountKind::kLapsed, 0, 0, {}, {}, 0},
                    {"provider/chengdu-ai-center/receivable", kCny, AccountKind::kProviderReceivable,
                     no_overdraw, 0, {}, {}, 0},
                    {"provider/chengdu-ai-center/payout", kCny, AccountKind::kPayout, 0, 0, {}, {}, 0},
                    {"org/91510100MA61R1234W/2024-cap", kCny, AccountKind::kCapGroup, 0,
                     1'000'000'00, {}, {}, 0},  // seed 000 §二: 100万 per org a year
                }));
  for (const auto& a : accounts) {
    if (a.code != ledger::ResultCode::kOk) {
      return MakeError(ErrorCode::kContradiction, "accounts",
                       std::string(ledger::ResultCodeName(a.code)));
    }
  }
  const AccountId funder = accounts[0].id, pool = accounts[1].id, lapsed = accounts[2].id,
                  receivable = accounts[3].id, payout = accounts[4].id, cap = accounts[5].id;
  SUANLI_ASSIGN(const auto voucher_out,
                l.CreateAccounts({{"chengdu-2024/voucher/91510100MA61R1234W", kCny,
                                   AccountKind::kVoucher, no_overdraw, 300'000'00, cap, {}, 0}}));
  const AccountId voucher = voucher_out[0].id;
  if (voucher_out[0].code != ledger::ResultCode::kOk) {
    return MakeError(ErrorCode::kContradiction, "voucher",
                     std::string(ledger::ResultCodeName(voucher_out[0].code)));
  }

  std::printf("Transfers (key, result, amount):\n");
  const std::uint16_t balancing = ledger::kBalancingDebit;
  SUANLI_TRY(Run(l, {
      Transfer("fund/chengdu-2024/city-budget", funder, pool, 10'000'000'00),
      Transfer("grant/91510100MA61R1234W", pool, voucher, 300'000'00),
      // Each bill: the voucher pays min(50 % of the bill, what remains), in one transfer.
      Transfer("bill/0001 (120,000.00)", voucher, receivable, 60'000'00, balancing),
      Transfer("bill/0002 (250,000.00)", voucher, receivable, 125'000'00, balancing),
      Transfer("bill/0003 (80,000.00)", voucher, receivable, 40'000'00, balancing),
      Transfer("payout/chengdu-ai-center/2024Q2", receivable, payout, 225'000'00),
      // The program closes: what remains on the voucher lapses back to the funder's books.
      Transfer("lapse/91510100MA61R1234W", voucher, lapsed, 300'000'00,
               balancing | ledger::kLapse),
  }));
  // A retry of bill 0002 with the same key returns the original result, not a second charge.
  SUANLI_TRY(Run(l, {Transfer("bill/0002 (250,000.00)", voucher, receivable, 125'000'00,
                              balancing)}));

  SUANLI_ASSIGN(const auto rows,
                l.LookupAccounts({funder, pool, voucher, receivable, payout, lapsed, cap}));
  std::printf("\nBalances (credits − debits, posted):\n");
  for (const auto& a : rows) {
    if (!a) continue;
    const std::int64_t net = a->kind == AccountKind::kCapGroup
                                 ? a->cap_group_credits_fen
                                 : a->credits_posted_fen - a->debits_posted_fen;
    std::printf("  %-40s %20s\n", a->key.c_str(), Yuan(net).c_str());
  }
  SUANLI_ASSIGN(const ledger::InvariantReport report, l.CheckInvariants());
  std::printf("\nInvariants: %s (%llu accounts, %llu transfers, %llu batches)\n",
              report.ok() ? "all hold" : "VIOLATED",
              static_cast<unsigned long long>(report.accounts),
              static_cast<unsigned long long>(report.transfers),
              static_cast<unsigned long long>(report.batches));
  for (const std::string& v : report.violations) std::printf("  %s\n", v.c_str());
  return OkStatus();
}

int Verify(const std::string& dir) {
  if (!std::filesystem::exists(std::filesystem::path(dir) / "ledger.db")) {
    std::fprintf(stderr, "no ledger in %s\n", dir.c_str());
    return 2;
  }
  SystemClock clock;
  auto o = OpenLedger(dir, &clock);
  if (!o.ok()) {
    std::fprintf(stderr, "recovery failed: %s\n", o.error().ToString().c_str());
    return 1;
  }
  auto report = o->ledger->CheckInvariants();
  auto stored_accounts = o->store->CountAccounts();
  if (!report.ok() || !stored_accounts.ok()) {
    std::fprintf(stderr, "verify failed\n");
    return 2;
  }
  std::printf("batches %llu, accounts %llu (accounts table %llu), transfers %llu, open holds %llu\n",
              static_cast<unsigned long long>(report->batches),
              static_cast<unsigned long long>(report->accounts),
              static_cast<unsigned long long>(*stored_accounts),
              static_cast<unsigned long long>(report->transfers),
              static_cast<unsigned long long>(report->pending_open));
  const bool projection_ok = *stored_accounts == report->accounts;
  if (!projection_ok) std::printf("accounts table differs from the log\n");
  for (const std::string& v : report->violations) std::printf("violation: %s\n", v.c_str());
  std::printf("invariants: %s\n", report->ok() && projection_ok ? "all hold" : "VIOLATED");
  return report->ok() && projection_ok ? 0 : 1;
}

}  // namespace

void RegisterLedgerCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("ledger", "the double-entry ledger (SQLite)");
  cmd->require_subcommand(1);
  auto dir = std::make_shared<std::string>();

  CLI::App* demo = cmd->add_subcommand("demo", "fund a pool, grant, settle at 50 %, lapse");
  demo->add_option("--data", *dir, "ledger directory (created if missing)")->required();
  demo->callback([dir, exit_code] {
    const Status s = Demo(*dir);
    if (!s.ok()) std::fprintf(stderr, "demo failed: %s\n", s.error().ToString().c_str());
    *exit_code = s.ok() ? 0 : 2;
  });

  CLI::App* verify = cmd->add_subcommand("verify", "recover a ledger and check every invariant");
  verify->add_option("--data", *dir, "ledger directory")->required();
  verify->callback([dir, exit_code] { *exit_code = Verify(*dir); });
}

}  // namespace suanli::cli
