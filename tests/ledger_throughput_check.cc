// A quick sanity check of durable deduction throughput (not the benchmark: bench/ledger_bench
// is). Usage: ledger_throughput_check DIR [vouchers] [threads] [per_request] [seconds].
// Creates the vouchers, then `threads` clients each send requests of `per_request` balancing
// deductions against random vouchers over SQLite in DIR, and prints rate and latency.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/ledger_testing.h"
#include "ledger/memory_store.h"
#include "storage/sqlite/sqlite_store.h"

using namespace suanli;
using namespace suanli::ledger;

// Measures the time spent in Append (store transaction + fsync) per batch.
class TimedStore final : public Store {
 public:
  explicit TimedStore(Store* inner) : inner_(inner) {}
  Result<std::uint64_t> LastSeq() override { return inner_->LastSeq(); }
  Status Append(const BatchView& b, std::span<const StoredAccount> a) override {
    const auto t0 = std::chrono::steady_clock::now();
    Status s = inner_->Append(b, a);
    append_us += std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    ++appends;
    return s;
  }
  Status ReadFrom(std::uint64_t from, const std::function<Status(const BatchView&)>& v) override {
    return inner_->ReadFrom(from, v);
  }
  Result<std::uint64_t> CountAccounts() override { return inner_->CountAccounts(); }
  double append_us = 0;
  std::uint64_t appends = 0;

 private:
  Store* inner_;
};

using test_support::Key;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [vouchers] [threads] [per_request] [seconds]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const std::uint64_t vouchers = argc > 2 ? std::stoull(argv[2]) : 10000;
  const int threads = argc > 3 ? std::stoi(argv[3]) : 64;
  const int per_request = argc > 4 ? std::stoi(argv[4]) : 8;
  const int seconds = argc > 5 ? std::stoi(argv[5]) : 5;
  if (dir != "mem") {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  // DIR "mem": the in-memory store, to see the ledger's CPU path without I/O.
  MemoryStore memory;
  std::unique_ptr<storage::SqliteStore> sqlite;
  if (dir != "mem") {
    storage::SqliteStoreOptions so{(dir / "l.db").string()};
    if (const char* ms = std::getenv("CHECKPOINT_MS")) so.checkpoint_interval_ms = std::atoi(ms);
    auto store = storage::SqliteStore::Open(so);
    if (!store.ok()) return 1;
    sqlite = std::move(store).value();
  }
  TimedStore store(sqlite ? static_cast<Store*>(sqlite.get()) : &memory);
  SystemClock clock;
  auto opened = Ledger::Open(LedgerOptions{&clock, &store});
  if (!opened.ok()) return 1;
  Ledger& l = **opened;
  auto base = l.CreateAccounts(
      {AccountSpec{"funder", 1, AccountKind::kFunder, 0, 0, {}, {}, 0},
       AccountSpec{"pool", 1, AccountKind::kPool, kDebitsMustNotExceedCredits, 0, {}, {}, 0},
       AccountSpec{"prov", 1, AccountKind::kProviderReceivable, kDebitsMustNotExceedCredits, 0, {},
                   {}, 0}});
  const AccountId funder = (*base)[0].id, pool = (*base)[1].id, prov = (*base)[2].id;
  TransferSpec fund{"fund", funder, pool, 1'000'000'000'000'000, 1, 0, 0, {}, 0, 0};
  (void)l.CreateTransfers({fund});
  const auto t_setup = std::chrono::steady_clock::now();
  std::uint64_t first_voucher = 0;
  for (std::uint64_t done = 0; done < vouchers;) {
    const std::uint64_t n = std::min<std::uint64_t>(8190, vouchers - done);
    std::vector<AccountSpec> specs;
    for (std::uint64_t i = 0; i < n; ++i) {
      specs.push_back(AccountSpec{Key("v", done + i), 1, AccountKind::kVoucher,
                                  kDebitsMustNotExceedCredits, 1'000'000'00, {}, {}, 0});
    }
    auto out = l.CreateAccounts(std::move(specs));
    if (done == 0) first_voucher = (*out)[0].id.value;
    std::vector<TransferSpec> grants;
    for (std::uint64_t i = 0; i < n; ++i) {
      grants.push_back(TransferSpec{Key("g", done + i), pool,
                                    AccountId(first_voucher + done + i), 1'000'000'00, 1, 0, 0, {},
                                    0, 0});
    }
    (void)l.CreateTransfers(std::move(grants));
    done += n;
  }
  std::printf("setup %llu vouchers: %.1f s\n", static_cast<unsigned long long>(vouchers),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t_setup).count());
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(threads));
  std::atomic<std::uint64_t> total{0};
  const LedgerStats before = l.Stats();
  const double append_us_before = store.append_us;
  const std::uint64_t appends_before = store.appends;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(t) + 1);
      std::uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        std::vector<TransferSpec> specs;
        specs.reserve(static_cast<std::size_t>(per_request));
        for (int k = 0; k < per_request; ++k) {
          const std::uint64_t v = first_voucher + rng() % vouchers;
          char key[48];
          std::snprintf(key, sizeof key, "d%d-%llu", t, static_cast<unsigned long long>(n++));
          specs.push_back(TransferSpec{key,
                                       AccountId(v), prov, 5'00, 1, 0, kBalancingDebit, {}, 0, 0});
        }
        const auto t0 = std::chrono::steady_clock::now();
        auto r = l.CreateTransfers(std::move(specs));
        const auto t1 = std::chrono::steady_clock::now();
        if (!r.ok()) std::abort();
        lat[static_cast<std::size_t>(t)].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        total.fetch_add(static_cast<std::uint64_t>(per_request), std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& th : ts) th.join();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  const LedgerStats after = l.Stats();
  const double batches = static_cast<double>(after.batches_committed - before.batches_committed);
  std::printf("%d threads x %d per request: %.0f deductions/s, p50 %.2f ms, p99 %.2f ms, "
              "%.0f events/batch, %.0f bytes/batch\n",
              threads, per_request, static_cast<double>(total.load()) / seconds,
              all[all.size() / 2], all[all.size() * 99 / 100],
              static_cast<double>(after.events_committed - before.events_committed) / batches,
              static_cast<double>(after.body_bytes_committed - before.body_bytes_committed) / batches);
  std::printf("append (transaction + fsync): %.0f us per batch\n",
              (store.append_us - append_us_before) /
                  static_cast<double>(store.appends - appends_before));
  return 0;
}
