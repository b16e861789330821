// Suanli's ledger under the voucher-deduction load of docs/benchmarks.md: C client threads,
// each submitting requests of K deductions and waiting until the request is durable.
//
// A deduction is ONE transfer, voucher -> provider receivable, flagged kBalancingDebit with
// amount = floor(bill x 50 %): the ledger clamps it to what the voucher still has, which is
// min(50 % of the bill, remaining) — the same arithmetic the SQLite and PostgreSQL
// comparators do in SQL. Every deduction has its own idempotency key.
//
// Setup (not measured): a funder, a funded pool, one provider receivable and N vouchers, each
// granted kVoucherFenInitial from the pool, in requests of up to 8,190 events.
//
// With --vouchers 10000,10000000 it sets up one ledger per count and alternates the runs
// between them. For every (repeat, K, clients, vouchers) it prints one RESULT line
// (bench_util.h): deductions per second, p50/p99 of the request latency (submit -> durable),
// and process CPU µs per deduction (every thread: clients, writer, SQLite), which is the
// per-deduction cost compared across voucher counts. At the end it checks every ledger invariant and that the receivable
// holds exactly the sum of the applied deductions.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <deque>
#include <filesystem>
#include <latch>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "ledger/ledger.h"
#include "storage/sqlite/sqlite_store.h"

namespace suanli::bench {
namespace {

using ledger::AccountKind;
using ledger::AccountSpec;
using ledger::Ledger;
using ledger::ResultCode;
using ledger::TransferSpec;

constexpr std::uint32_t kLedgerCny = 1;
constexpr std::uint16_t kCodeGrant = 1;
constexpr std::uint16_t kCodeDeduction = 2;
// Setup keeps this many requests in flight so the writer always has a full batch waiting.
constexpr std::size_t kSetupRequestsInFlight = 8;

struct Options {
  std::string dir;
  std::vector<std::int64_t> vouchers = {10'000};  // one ledger per count
  std::vector<int> clients = {1, 16, 64};
  std::vector<int> ks = {1};
  double seconds = 5.0;
  int repeats = 1;
  std::int64_t deductions_max = 50'000'000;  // per run; a bound besides the duration
  std::uint64_t seed = 1;
};

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "ledger_bench: %s: %s\n", what, r.error().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

// Submits `make(i)` for i in [0, n) in requests of up to kTransfersPerRequestMax, keeping
// kSetupRequestsInFlight in flight; every outcome must be ok. Returns the ids in order.
template <typename Spec, typename Submit, typename Make>
std::vector<std::uint64_t> SubmitAll(std::int64_t n, Submit submit, Make make) {
  using Future = decltype(submit(std::vector<Spec>{}));
  std::vector<std::uint64_t> ids;
  ids.reserve(static_cast<std::size_t>(n));
  std::deque<Future> in_flight;
  auto drain_one = [&] {
    auto outcomes = Must(in_flight.front().get(), "setup request");
    in_flight.pop_front();
    for (const auto& o : outcomes) {
      SUANLI_CHECK(o.code == ResultCode::kOk);
      ids.push_back(o.id.value);
    }
  };
  const auto per_request = static_cast<std::int64_t>(limits::kTransfersPerRequestMax);
  for (std::int64_t start = 0; start < n; start += per_request) {
    std::vector<Spec> specs;
    const std::int64_t end = std::min(n, start + per_request);
    specs.reserve(static_cast<std::size_t>(end - start));
    for (std::int64_t i = start; i < end; ++i) specs.push_back(make(i));
    if (in_flight.size() >= kSetupRequestsInFlight) drain_one();
    in_flight.push_back(submit(std::move(specs)));
  }
  while (!in_flight.empty()) drain_one();
  return ids;
}

struct Setup {
  AccountId receivable;
  std::vector<AccountId> vouchers;
};

Setup CreateAccountsAndGrants(Ledger& l, std::int64_t vouchers) {
  auto account = [](std::string key, AccountKind kind, std::uint16_t flags,
                    std::int64_t ceiling_fen) {
    AccountSpec s;
    s.key = std::move(key);
    s.ledger = kLedgerCny;
    s.kind = kind;
    s.flags = flags;
    s.credits_ceiling_fen = ceiling_fen;
    return s;
  };
  const std::uint16_t no_overdraft = ledger::kDebitsMustNotExceedCredits;
  auto fixed = Must(l.CreateAccounts({account("funder", AccountKind::kFunder, 0, 0),
                                      account("pool", AccountKind::kPool, no_overdraft, 0),
                                      account("provider", AccountKind::kProviderReceivable,
                                              no_overdraft, 0)}),
                    "create fixed accounts");
  for (const auto& o : fixed) SUANLI_CHECK(o.code == ResultCode::kOk);
  const AccountId funder = fixed[0].id, pool = fixed[1].id;
  Setup setup{fixed[2].id, {}};

  auto submit_accounts = [&](std::vector<AccountSpec> s) { return l.SubmitAccounts(std::move(s)); };
  auto submit_transfers = [&](std::vector<TransferSpec> s) {
    return l.SubmitTransfers(std::move(s));
  };
  for (std::uint64_t id : SubmitAll<AccountSpec>(vouchers, submit_accounts, [&](std::int64_t i) {
         return account("v-" + std::to_string(i), AccountKind::kVoucher, no_overdraft,
                        kVoucherFenInitial);
       })) {
    setup.vouchers.emplace_back(id);
  }
  // Fund the pool with exactly what the grants take, in transfers of at most kAmountFenMax.
  const std::int64_t total_fen = vouchers * kVoucherFenInitial;
  const std::int64_t funding_transfers = (total_fen + limits::kAmountFenMax - 1) / limits::kAmountFenMax;
  SubmitAll<TransferSpec>(funding_transfers, submit_transfers, [&](std::int64_t i) {
    TransferSpec t;
    t.key = "fund-" + std::to_string(i);
    t.debit_account_id = funder;
    t.credit_account_id = pool;
    t.amount_fen = std::min(limits::kAmountFenMax, total_fen - i * limits::kAmountFenMax);
    t.ledger = kLedgerCny;
    t.code = kCodeGrant;
    return t;
  });
  SubmitAll<TransferSpec>(vouchers, submit_transfers, [&](std::int64_t i) {
    TransferSpec t;
    t.key = "g-" + std::to_string(i);
    t.debit_account_id = pool;
    t.credit_account_id = setup.vouchers[static_cast<std::size_t>(i)];
    t.amount_fen = kVoucherFenInitial;
    t.ledger = kLedgerCny;
    t.code = kCodeGrant;
    return t;
  });
  return setup;
}

struct RunResult {
  std::int64_t deductions = 0;
  std::int64_t failed = 0;
  std::int64_t applied_fen = 0;
};

struct RunShared {
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> deductions{0};
  std::atomic<std::int64_t> failed{0};
  std::atomic<std::int64_t> applied_fen{0};
};

void Client(Ledger& l, const Setup& setup, const Options& o, int k, int client,
            const std::string& key_prefix, RunShared& shared, Latencies& lat,
            std::latch& start, Clock::time_point end) {
  Random rng(o.seed * 1'000'003 + static_cast<std::uint64_t>(client) * 7919 +
             static_cast<std::uint64_t>(k));
  const auto last_voucher = static_cast<std::int64_t>(setup.vouchers.size()) - 1;
  std::int64_t n = 0, applied_fen = 0, failed = 0;
  start.arrive_and_wait();
  while (!shared.stop.load(std::memory_order_relaxed) && !lat.Full()) {
    std::vector<TransferSpec> specs(static_cast<std::size_t>(k));
    for (auto& t : specs) {
      t.key = key_prefix + std::to_string(client) + "-" + std::to_string(++n);
      t.debit_account_id = setup.vouchers[static_cast<std::size_t>(rng.Between(0, last_voucher))];
      t.credit_account_id = setup.receivable;
      t.amount_fen = rng.Between(kBillFenMin, kBillFenMax) / 2;  // 50 %, rounded down
      t.ledger = kLedgerCny;
      t.code = kCodeDeduction;
      t.flags = ledger::kBalancingDebit;
    }
    const auto t0 = Clock::now();
    auto outcomes = Must(l.CreateTransfers(std::move(specs)), "deduction request");
    const auto t1 = Clock::now();
    lat.Add(t1 - t0);
    for (const auto& out : outcomes) {
      if (out.code == ResultCode::kOk) {
        applied_fen += out.amount_fen;
      } else {
        ++failed;
      }
    }
    if (shared.deductions.fetch_add(k, std::memory_order_relaxed) + k >= o.deductions_max ||
        t1 >= end) {
      shared.stop.store(true);
    }
  }
  shared.applied_fen.fetch_add(applied_fen);
  shared.failed.fetch_add(failed);
}

// One measured run: `clients` threads for o.seconds, K deductions per request.
RunResult RunOnce(Ledger& l, const Setup& setup, const Options& o, int rep, int k, int clients) {
  RunShared shared;
  std::vector<Latencies> lat(static_cast<std::size_t>(clients));
  for (auto& x : lat) x.Reserve(static_cast<std::size_t>(o.seconds * 50'000 / clients) + 1024);
  const std::string key_prefix = "d" + std::to_string(o.seed) + "-" + std::to_string(rep) + "-" +
                                 std::to_string(k) + "-" + std::to_string(clients) + "-";
  std::latch start(clients + 1);
  const auto planned_end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(o.seconds + 0.05));
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back(Client, std::ref(l), std::cref(setup), std::cref(o), k, c,
                         std::cref(key_prefix), std::ref(shared),
                         std::ref(lat[static_cast<std::size_t>(c)]), std::ref(start),
                         planned_end);
  }
  const auto stats0 = l.Stats();
  const std::int64_t cpu0_us = ProcessCpuUs();
  const auto t0 = Clock::now();
  start.arrive_and_wait();
  for (auto& t : threads) t.join();
  const double elapsed_s = Seconds(Clock::now() - t0);
  const std::int64_t cpu_us = ProcessCpuUs() - cpu0_us;
  const auto stats1 = l.Stats();
  const std::int64_t n = shared.deductions.load();
  const Percentiles p = ComputePercentiles(lat);
  const auto batches = stats1.batches_committed - stats0.batches_committed;
  std::printf(
      "RESULT system=suanli vouchers=%lld clients=%d k=%d rep=%d seconds=%.2f deductions=%lld "
      "failed=%lld dps=%.1f p50_us=%u p99_us=%u max_us=%u cpu_us_per_deduction=%.3f "
      "batches=%llu deductions_per_batch=%.1f\n",
      static_cast<long long>(setup.vouchers.size()), clients, k, rep, elapsed_s,
      static_cast<long long>(n), static_cast<long long>(shared.failed.load()),
      static_cast<double>(n) / elapsed_s, p.p50_us, p.p99_us, p.max_us,
      static_cast<double>(cpu_us) / static_cast<double>(std::max<std::int64_t>(n, 1)),
      static_cast<unsigned long long>(batches),
      static_cast<double>(n) / static_cast<double>(std::max<std::uint64_t>(batches, 1)));
  std::fflush(stdout);
  return {n, shared.failed.load(), shared.applied_fen.load()};
}

// One ledger with its own store file, set up with `vouchers` vouchers.
struct Instance {
  std::unique_ptr<storage::SqliteStore> store;
  std::unique_ptr<Ledger> ledger;
  Setup setup;
  std::int64_t applied_fen = 0;  // sum of the deductions' applied amounts, for the final check
};

Instance OpenAndSetUp(const std::string& dir, std::int64_t vouchers, suanli::Clock* clock) {
  Instance in;
  std::filesystem::create_directories(dir);
  storage::SqliteStoreOptions so;
  so.path = (std::filesystem::path(dir) / "ledger.db").string();
  in.store = Must(storage::SqliteStore::Open(so), "open store");
  ledger::LedgerOptions lo;
  lo.clock = clock;
  lo.store = in.store.get();
  in.ledger = Must(Ledger::Open(lo), "open ledger");
  const auto t0 = Clock::now();
  in.setup = CreateAccountsAndGrants(*in.ledger, vouchers);
  std::fprintf(stderr, "ledger_bench: setup of %lld vouchers took %.1f s\n",
               static_cast<long long>(vouchers), Seconds(Clock::now() - t0));
  return in;
}

// The money adds up: the receivable holds exactly what the deductions applied, and every
// ledger invariant holds.
void Verify(Instance& in) {
  auto receivable = Must(in.ledger->LookupAccounts({in.setup.receivable}), "lookup receivable");
  SUANLI_CHECK(receivable.size() == 1 && receivable[0].has_value());
  SUANLI_CHECK(receivable[0]->credits_posted_fen == in.applied_fen);
  const auto report = Must(in.ledger->CheckInvariants(), "check invariants");
  for (const auto& v : report.violations) std::fprintf(stderr, "violation: %s\n", v.c_str());
  SUANLI_CHECK(report.ok());
}

// With several voucher counts, every ledger is set up first and the runs then alternate
// between them (repeat, K, clients, voucher count), so that machine noise falls on each alike.
int Run(const Options& o) {
  std::filesystem::remove_all(o.dir);
  SystemClock clock;
  std::vector<Instance> instances;
  for (std::int64_t n : o.vouchers) {
    instances.push_back(
        OpenAndSetUp((std::filesystem::path(o.dir) / std::to_string(n)).string(), n, &clock));
  }
  ::sync();  // the setup's deferred writes must not land on the measured runs
  for (int rep = 1; rep <= o.repeats; ++rep) {
    for (int k : o.ks) {
      for (int clients : o.clients) {
        for (auto& in : instances) {
          in.applied_fen += RunOnce(*in.ledger, in.setup, o, rep, k, clients).applied_fen;
        }
      }
    }
  }
  for (auto& in : instances) Verify(in);
  return 0;
}

}  // namespace
}  // namespace suanli::bench

int main(int argc, char** argv) {
  suanli::bench::Options o;
  CLI::App app{"Suanli ledger: durable voucher deductions per second at C clients"};
  app.add_option("--dir", o.dir, "directory for the ledger's store (emptied first)")->required();
  app.add_option("--vouchers", o.vouchers, "voucher counts, one ledger each, e.g. 10000,10000000")
      ->delimiter(',')
      ->check(CLI::Range(1, 20'000'000));
  app.add_option("--clients", o.clients, "client thread counts, e.g. 1,16,64")->delimiter(',')
      ->check(CLI::Range(1, 256));
  app.add_option("--k", o.ks, "deductions per request, e.g. 1,16")->delimiter(',')
      ->check(CLI::Range(1, 8190));
  app.add_option("--seconds", o.seconds, "duration of each run")->check(CLI::Range(0.1, 600.0));
  app.add_option("--repeats", o.repeats, "repeat every (k, clients) run")->check(CLI::Range(1, 20));
  app.add_option("--deductions-max", o.deductions_max, "stop a run after this many deductions");
  app.add_option("--seed", o.seed, "random seed");
  CLI11_PARSE(app, argc, argv);
  return suanli::bench::Run(o);
}
