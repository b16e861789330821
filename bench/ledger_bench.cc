// Suanli's ledger under the voucher-deduction load of docs/benchmarks.md: C clients, each
// keeping one request of K deductions outstanding and sending the next once it is durable.
//
// Two client models (--client-model):
// - callback (the default, RESULT system=suanli): C logical clients driven by a fixed number of
//   driver threads (--driver-threads, 2, like pgbench -j 2). A request's completion callback
//   (run on a ledger thread) only hands the answer to its client's driver thread; the driver
//   records the latency (submit -> callback), builds the next request and submits it. This is
//   how an event-loop server (Asio) calls the ledger.
// - thread (RESULT system=suanli-threads): one OS thread per client, blocking on the future.
//
// A deduction is ONE transfer, voucher -> provider receivable, flagged kBalancingDebit with
// amount = floor(bill x 50 %): the ledger clamps it to what the voucher still has, which is
// min(50 % of the bill, remaining) — the same arithmetic the SQLite and PostgreSQL
// comparators do in SQL. Every deduction has its own idempotency key.
//
// Setup (not measured): a funder, a funded pool, one provider receivable and N vouchers, each
// granted kVoucherFenInitial from the pool, in requests of up to 8,190 events. The idempotency
// indexes are sized at open for the setup plus every planned run (transfers_expected).
//
// With --vouchers 10000,10000000 it sets up one ledger per count and alternates the runs
// between them. For every (repeat, K, clients, vouchers, model) it prints one RESULT line
// (bench_util.h): deductions per second, p50/p99 of the request latency (submit -> durable),
// and process CPU µs per deduction (every thread: clients, drivers, writer, SQLite), which is
// the per-deduction cost compared across voucher counts. At the end it checks every ledger
// invariant and that the receivable holds exactly the sum of the applied deductions.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <latch>
#include <mutex>
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
using ledger::TransferOutcome;
using ledger::TransferSpec;

using ledger::kLedgerCny;
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
  std::vector<std::string> models = {"callback"};  // "callback", "thread"
  int driver_threads = 2;
  std::size_t overlap_backlog_events_min = 0;  // 0 = the ledger's default
  int checkpoint_interval_ms = -1;  // < 0 = the store's default
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

// K deductions for `client`, keys key_prefix + client + "-" + (++*n), built in one buffer.
std::vector<TransferSpec> MakeDeductions(const Setup& setup, int k, const std::string& key_prefix,
                                         int client, std::int64_t* n, Random* rng) {
  const auto last_voucher = static_cast<std::int64_t>(setup.vouchers.size()) - 1;
  char buf[limits::kIdempotencyKeyBytesMax];
  SUANLI_CHECK(key_prefix.size() + 24 <= sizeof buf);
  char* const after_prefix = std::copy(key_prefix.begin(), key_prefix.end(), buf);
  char* const after_client = std::to_chars(after_prefix, buf + sizeof buf, client).ptr;
  *after_client = '-';
  std::vector<TransferSpec> specs(static_cast<std::size_t>(k));
  for (auto& t : specs) {
    char* const end = std::to_chars(after_client + 1, buf + sizeof buf, ++*n).ptr;
    t.key.assign(buf, static_cast<std::size_t>(end - buf));
    t.debit_account_id = setup.vouchers[static_cast<std::size_t>(rng->Between(0, last_voucher))];
    t.credit_account_id = setup.receivable;
    t.amount_fen = rng->Between(kBillFenMin, kBillFenMax) / 2;  // 50 %, rounded down
    t.ledger = kLedgerCny;
    t.code = kCodeDeduction;
    t.flags = ledger::kBalancingDebit;
  }
  return specs;
}

void Client(Ledger& l, const Setup& setup, const Options& o, int k, int client,
            const std::string& key_prefix, RunShared& shared, Latencies& lat,
            std::latch& start, Clock::time_point end) {
  Random rng(o.seed * 1'000'003 + static_cast<std::uint64_t>(client) * 7919 +
             static_cast<std::uint64_t>(k));
  std::int64_t n = 0, applied_fen = 0, failed = 0;
  start.arrive_and_wait();
  while (!shared.stop.load(std::memory_order_relaxed) && !lat.Full()) {
    std::vector<TransferSpec> specs = MakeDeductions(setup, k, key_prefix, client, &n, &rng);
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

// The callback model: one driver thread serves clients c with c % driver_threads == index.
// A completion callback (on a ledger thread) only queues the answer for the driver.
class Driver {
 public:
  struct Completion {
    int client = 0;
    Clock::time_point done_at;
    std::int64_t applied_fen = 0;
    std::int64_t failed = 0;
  };

  Driver(Ledger& l, const Setup& setup, const Options& o, int k, int index,
         const std::string& key_prefix, RunShared& shared, std::vector<Latencies>& lat,
         Clock::time_point end)
      : l_(l), setup_(setup), o_(o), k_(k), index_(index), key_prefix_(key_prefix),
        shared_(shared), lat_(lat), end_(end) {}

  void Run(std::latch& start) {
    const int clients = static_cast<int>(lat_.size());
    for (int c = index_; c < clients; c += o_.driver_threads) {
      clients_.push_back(ClientState{c, Random(o_.seed * 1'000'003 +
                                               static_cast<std::uint64_t>(c) * 7919 +
                                               static_cast<std::uint64_t>(k_)),
                                     0, {}});
    }
    start.arrive_and_wait();
    std::int64_t outstanding = 0;
    for (auto& c : clients_) {
      Submit(c);
      ++outstanding;
    }
    std::vector<Completion> done;
    std::int64_t applied_fen = 0, failed = 0;
    while (outstanding > 0) {  // bounded: each client stops at the end time or deductions_max
      {
        std::unique_lock lock(mu_);
        ready_cv_.wait(lock, [&] { return !ready_.empty(); });
        done.swap(ready_);
      }
      for (const Completion& d : done) {
        --outstanding;
        ClientState& c = clients_[static_cast<std::size_t>(d.client / o_.driver_threads)];
        Latencies& lat = lat_[static_cast<std::size_t>(d.client)];
        lat.Add(d.done_at - c.submitted_at);
        applied_fen += d.applied_fen;
        failed += d.failed;
        if (shared_.deductions.fetch_add(k_, std::memory_order_relaxed) + k_ >=
                o_.deductions_max ||
            d.done_at >= end_) {
          shared_.stop.store(true);
        }
        if (!shared_.stop.load(std::memory_order_relaxed) && !lat.Full()) {
          Submit(c);
          ++outstanding;
        }
      }
      done.clear();
    }
    shared_.applied_fen.fetch_add(applied_fen);
    shared_.failed.fetch_add(failed);
  }

 private:
  struct ClientState {
    int client;
    Random rng;
    std::int64_t n;
    Clock::time_point submitted_at;
  };

  void Submit(ClientState& c) {
    std::vector<TransferSpec> specs = MakeDeductions(setup_, k_, key_prefix_, c.client, &c.n,
                                                     &c.rng);
    c.submitted_at = Clock::now();
    l_.SubmitTransfers(std::move(specs),
                       [this, client = c.client](Result<std::vector<TransferOutcome>> r) {
                         OnDone(client, std::move(r));
                       });
  }

  // On a ledger thread: short, never blocks beyond the driver's queue lock.
  void OnDone(int client, Result<std::vector<TransferOutcome>> r) {
    Completion d{client, Clock::now(), 0, 0};
    for (const auto& out : Must(std::move(r), "deduction request")) {
      if (out.code == ResultCode::kOk) {
        d.applied_fen += out.amount_fen;
      } else {
        ++d.failed;
      }
    }
    // Notified under the lock: once the driver sees its last completion it may return and be
    // destroyed, so nothing of it may be touched after the lock is released.
    std::lock_guard lock(mu_);
    const bool was_empty = ready_.empty();
    ready_.push_back(d);
    if (was_empty) ready_cv_.notify_one();
  }

  Ledger& l_;
  const Setup& setup_;
  const Options& o_;
  const int k_;
  const int index_;
  const std::string& key_prefix_;
  RunShared& shared_;
  std::vector<Latencies>& lat_;
  const Clock::time_point end_;
  std::vector<ClientState> clients_;  // driver thread only

  std::mutex mu_;
  std::condition_variable ready_cv_;
  std::vector<Completion> ready_;  // guarded by mu_
};

// One measured run: `clients` clients for o.seconds, K deductions per request, in `model`.
RunResult RunOnce(Ledger& l, const Setup& setup, const Options& o, int rep, int k, int clients,
                  const std::string& model) {
  const bool threads_model = model == "thread";
  RunShared shared;
  std::vector<Latencies> lat(static_cast<std::size_t>(clients));
  for (auto& x : lat) x.Reserve(static_cast<std::size_t>(o.seconds * 50'000 / clients) + 1024);
  const std::string key_prefix = "d" + std::to_string(o.seed) + "-" + std::to_string(rep) + "-" +
                                 std::to_string(k) + "-" + std::to_string(clients) +
                                 (threads_model ? "t-" : "c-");
  const int drivers = std::min(clients, o.driver_threads);
  std::latch start((threads_model ? clients : drivers) + 1);
  const auto planned_end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(o.seconds + 0.05));
  std::vector<std::thread> threads;
  std::deque<Driver> driver_objects;
  if (threads_model) {
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back(Client, std::ref(l), std::cref(setup), std::cref(o), k, c,
                           std::cref(key_prefix), std::ref(shared),
                           std::ref(lat[static_cast<std::size_t>(c)]), std::ref(start),
                           planned_end);
    }
  } else {
    for (int d = 0; d < drivers; ++d) {
      Driver& driver =
          driver_objects.emplace_back(l, setup, o, k, d, key_prefix, shared, lat, planned_end);
      threads.emplace_back([&driver, &start] { driver.Run(start); });
    }
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
      "RESULT system=%s vouchers=%lld clients=%d k=%d rep=%d seconds=%.2f deductions=%lld "
      "failed=%lld dps=%.1f p50_us=%u p99_us=%u max_us=%u cpu_us_per_deduction=%.3f "
      "batches=%llu deductions_per_batch=%.1f client_model=%s drivers=%d\n",
      threads_model ? "suanli-threads" : "suanli", static_cast<long long>(setup.vouchers.size()),
      clients, k, rep, elapsed_s,
      static_cast<long long>(n), static_cast<long long>(shared.failed.load()),
      static_cast<double>(n) / elapsed_s, p.p50_us, p.p99_us, p.max_us,
      static_cast<double>(cpu_us) / static_cast<double>(std::max<std::int64_t>(n, 1)),
      static_cast<unsigned long long>(batches),
      static_cast<double>(n) / static_cast<double>(std::max<std::uint64_t>(batches, 1)),
      model.c_str(), threads_model ? clients : drivers);
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

Instance OpenAndSetUp(const std::string& dir, std::int64_t vouchers, const Options& o,
                      suanli::Clock* clock) {
  Instance in;
  std::filesystem::create_directories(dir);
  storage::SqliteStoreOptions so;
  so.path = (std::filesystem::path(dir) / "ledger.db").string();
  if (o.checkpoint_interval_ms >= 0) so.checkpoint_interval_ms = o.checkpoint_interval_ms;
  in.store = Must(storage::SqliteStore::Open(so), "open store");
  ledger::LedgerOptions lo;
  lo.clock = clock;
  lo.store = in.store.get();
  // Size the idempotency indexes for the setup only: the runs' keys grow the index as a
  // service's would. The index is sharded (src/ledger/key_index.h), so growing it never
  // stalls the writer for long, and a huge pre-sized table would instead cost a page fault on
  // the first touch of every page during the runs.
  lo.accounts_expected = static_cast<std::size_t>(vouchers) + 16;
  lo.transfers_expected = static_cast<std::size_t>(2 * vouchers + 1'000);
  if (o.overlap_backlog_events_min > 0) lo.overlap_backlog_events_min = o.overlap_backlog_events_min;
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
        OpenAndSetUp((std::filesystem::path(o.dir) / std::to_string(n)).string(), n, o, &clock));
  }
  ::sync();  // the setup's deferred writes must not land on the measured runs
  for (int rep = 1; rep <= o.repeats; ++rep) {
    for (int k : o.ks) {
      for (int clients : o.clients) {
        for (const std::string& model : o.models) {
          for (auto& in : instances) {
            in.applied_fen += RunOnce(*in.ledger, in.setup, o, rep, k, clients, model).applied_fen;
          }
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
  app.add_option("--clients", o.clients, "client counts, e.g. 1,16,64")->delimiter(',')
      ->check(CLI::Range(1, 256));
  app.add_option("--k", o.ks, "deductions per request, e.g. 1,16")->delimiter(',')
      ->check(CLI::Range(1, 8190));
  app.add_option("--seconds", o.seconds, "duration of each run")->check(CLI::Range(0.1, 600.0));
  app.add_option("--repeats", o.repeats, "repeat every (k, clients) run")->check(CLI::Range(1, 20));
  app.add_option("--deductions-max", o.deductions_max, "stop a run after this many deductions");
  app.add_option("--seed", o.seed, "random seed");
  app.add_option("--client-model", o.models,
                 "callback (C request streams on --driver-threads threads) and/or thread (one "
                 "blocking OS thread per client), e.g. callback,thread")
      ->delimiter(',')
      ->check(CLI::IsMember({"callback", "thread"}));
  app.add_option("--driver-threads", o.driver_threads, "driver threads of the callback model")
      ->check(CLI::Range(1, 64));
  app.add_option("--overlap-min", o.overlap_backlog_events_min,
                 "queued events that let the writer apply the next batch during the fsync "
                 "(LedgerOptions::overlap_backlog_events_min; 0 = the ledger's default)");
  app.add_option("--checkpoint-ms", o.checkpoint_interval_ms,
                 "the store's background checkpoint interval (SqliteStoreOptions::"
                 "checkpoint_interval_ms; 0 = SQLite's own checkpoints in the writer's COMMIT; "
                 "default: the store's)")
      ->check(CLI::Range(0, 60'000));
  CLI11_PARSE(app, argc, argv);
  return suanli::bench::Run(o);
}
