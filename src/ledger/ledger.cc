// The Ledger: a bounded request queue in front of one writer thread that owns the StateMachine.
// The writer drains up to a batch of requests, applies them, checks the invariants, appends the
// batch to the store (one transaction, one fsync), and only then answers every request.
// Lookups run on the writer between batches, so they see exactly the acknowledged state.
#include "ledger/ledger.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/check.h"
#include "ledger/state_machine.h"

namespace suanli::ledger {
namespace {

struct Request {
  enum Kind : std::uint8_t { kAccounts, kTransfers, kTask };
  Kind kind = kTask;
  std::vector<AccountSpec> accounts;
  std::vector<TransferSpec> transfers;
  std::vector<AccountOutcome> account_out;
  std::vector<TransferOutcome> transfer_out;
  std::promise<Result<std::vector<AccountOutcome>>> account_promise;
  std::promise<Result<std::vector<TransferOutcome>>> transfer_promise;
  std::function<void(const StateMachine&)> task;  // kTask; sets its own promise

  std::size_t events() const { return accounts.size() + transfers.size(); }
  void Fail(const Error& e) {
    if (kind == kAccounts) account_promise.set_value(e);
    if (kind == kTransfers) transfer_promise.set_value(e);
  }
  void Succeed() {
    if (kind == kAccounts) account_promise.set_value(std::move(account_out));
    if (kind == kTransfers) transfer_promise.set_value(std::move(transfer_out));
  }
};

Error TooMany(std::size_t n) {
  return MakeError(ErrorCode::kOutOfRange, "events",
                   std::to_string(n) + " events in one request; at most " +
                       std::to_string(limits::kTransfersPerRequestMax));
}

}  // namespace

struct Ledger::Impl {
  LedgerOptions options;
  StateMachine sm;  // touched only by the writer thread once it runs

  std::mutex mu;
  std::condition_variable not_empty;
  std::condition_variable not_full;
  std::deque<std::unique_ptr<Request>> queue;  // guarded by mu
  bool stopping = false;                       // guarded by mu

  std::atomic<bool> read_only{false};
  std::atomic<std::uint64_t> batches{0}, requests{0}, events{0}, body_bytes{0};
  std::thread writer;

  std::vector<std::unique_ptr<Request>> batch;  // writer only

  // Answering: waking a client costs a futex syscall (~5–10 µs on this VM), 64 of them per
  // batch would double the writer's time per batch, so a responder thread answers batches
  // the writer has finished (durable or failed) while the writer goes on to the next one.
  struct Finished {
    std::vector<std::unique_ptr<Request>> requests;
    std::optional<Error> error;  // nullopt: succeed every request
  };
  // Finished batches waiting for the responder; the writer waits beyond this (backpressure).
  static constexpr std::size_t kAnswersQueuedMax = 8;
  std::mutex answer_mu;
  std::condition_variable answer_ready;
  std::condition_variable answer_room;
  std::deque<Finished> answers;     // guarded by answer_mu
  bool writer_done = false;       // guarded by answer_mu
  std::thread responder;

  void HandOff(std::optional<Error> error) {
    {
      std::unique_lock lock(answer_mu);
      answer_room.wait(lock, [&] { return answers.size() < kAnswersQueuedMax; });
      answers.push_back(Finished{std::move(batch), std::move(error)});
    }
    answer_ready.notify_one();
    batch.clear();  // moved from: make it a valid empty vector again
  }

  void Respond() {
    for (;;) {
      Finished a;
      {
        std::unique_lock lock(answer_mu);
        answer_ready.wait(lock, [&] { return !answers.empty() || writer_done; });
        if (answers.empty()) return;  // the writer is done and everything is answered
        a = std::move(answers.front());
        answers.pop_front();
      }
      answer_room.notify_one();
      for (auto& r : a.requests) {
        if (a.error) {
          r->Fail(*a.error);
        } else {
          r->Succeed();
        }
      }
    }
  }

  void Enqueue(std::unique_ptr<Request> r) {
    std::unique_lock lock(mu);
    // Backpressure: wait for room; the writer always makes progress, so this ends.
    not_full.wait(lock, [&] { return queue.size() < options.queue_requests_max || stopping; });
    if (stopping) {
      lock.unlock();
      r->Fail(MakeError(ErrorCode::kReadOnly, "ledger", "the ledger is closing"));
      return;
    }
    queue.push_back(std::move(r));
    lock.unlock();
    not_empty.notify_one();
  }

  // Runs `fn` on the writer between batches and returns its value.
  template <typename T>
  Result<T> RunTask(std::function<T(const StateMachine&)> fn) {
    auto promise = std::make_shared<std::promise<T>>();
    std::future<T> future = promise->get_future();
    auto r = std::make_unique<Request>();
    r->kind = Request::kTask;
    r->task = [promise, fn = std::move(fn)](const StateMachine& machine) {
      promise->set_value(fn(machine));
    };
    {
      std::unique_lock lock(mu);
      not_full.wait(lock, [&] { return queue.size() < options.queue_requests_max || stopping; });
      if (stopping) return MakeError(ErrorCode::kReadOnly, "ledger", "the ledger is closing");
      queue.push_back(std::move(r));
    }
    not_empty.notify_one();
    return future.get();
  }

  void Run() {
    for (;;) {
      {
        std::unique_lock lock(mu);
        not_empty.wait(lock, [&] { return !queue.empty() || stopping; });
        if (queue.empty()) return;  // stopping and drained
        TakeBatch();
      }
      not_full.notify_all();
      if (batch.front()->kind == Request::kTask) {
        for (auto& r : batch) r->task(sm);
        batch.clear();
      } else {
        ProcessBatch();  // hands the batch to the responder
      }
    }
  }

  // Moves a batch from the queue (mu held): either consecutive tasks, or consecutive write
  // requests holding at most batch_events_max events (at least one request).
  void TakeBatch() {
    const bool tasks = queue.front()->kind == Request::kTask;
    std::size_t events_total = 0;
    // Bounded by the queue's size (≤ queue_requests_max).
    while (!queue.empty()) {
      Request& next = *queue.front();
      if ((next.kind == Request::kTask) != tasks) break;
      if (!batch.empty() && events_total + next.events() > options.batch_events_max) break;
      events_total += next.events();
      batch.push_back(std::move(queue.front()));
      queue.pop_front();
    }
  }

  void ProcessBatch() {
    if (read_only.load()) {
      const Error e = MakeError(ErrorCode::kReadOnly, "ledger",
                                "read-only after an uncertain I/O failure; reopen to recover");
      HandOff(e);
      return;
    }
    sm.BeginBatch(sm.last_seq() + 1, options.clock->Now());
    for (auto& r : batch) {
      if (r->kind == Request::kAccounts) {
        r->account_out.resize(r->accounts.size());
        sm.ApplyAccounts(r->accounts, r->account_out);
      } else {
        r->transfer_out.resize(r->transfers.size());
        sm.ApplyTransfers(r->transfers, r->transfer_out);
      }
    }
    sm.CheckBatchInvariants();
    if (sm.batch_empty()) {  // nothing to make durable: every event failed or was a duplicate
      sm.AbandonEmptyBatch();
      HandOff(std::nullopt);
      return;
    }
    const BatchView view = sm.batch();
    const Status status = options.store->Append(view, sm.batch_new_accounts());
    if (status.ok()) {
      const std::uint64_t events_n = sm.batch_events();
      const std::uint64_t bytes = view.body.size();
      sm.CommitBatch();
      batches.fetch_add(1, std::memory_order_relaxed);
      requests.fetch_add(batch.size(), std::memory_order_relaxed);
      events.fetch_add(events_n, std::memory_order_relaxed);
      body_bytes.fetch_add(bytes, std::memory_order_relaxed);
      HandOff(std::nullopt);
      return;
    }
    // Not durable (or not known to be): the acknowledged state excludes this batch.
    sm.RollbackBatch();
    Error error = status.error();
    if (error.code == ErrorCode::kConflict) {
      const Status caught_up = CatchUp();
      if (!caught_up.ok()) error = MarkReadOnly(caught_up.error());
    } else if (error.code != ErrorCode::kIo) {
      error = MarkReadOnly(error);
    }
    HandOff(std::move(error));
  }

  // Sticky: after an uncertain failure nothing more is written until reopen (recovery).
  Error MarkReadOnly(const Error& cause) {
    read_only.store(true);
    return Error{cause.code == ErrorCode::kIo ? ErrorCode::kIoUncertain : cause.code, cause.field,
                 cause.message + " (the ledger is now read-only; reopen to recover)"};
  }

  // Another node appended first: replay what it wrote so the next batch gets a fresh seq.
  Status CatchUp() {
    return options.store->ReadFrom(sm.last_seq() + 1,
                                   [this](const BatchView& b) { return sm.Replay(b); });
  }
};

Result<std::unique_ptr<Ledger>> Ledger::Open(const LedgerOptions& options) {
  SUANLI_CHECK(options.clock != nullptr && options.store != nullptr);
  SUANLI_CHECK(options.queue_requests_max > 0);
  SUANLI_CHECK(options.batch_events_max >= limits::kTransfersPerRequestMax);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  StateMachine& sm = impl->sm;
  SUANLI_TRY(options.store->ReadFrom(1, [&sm](const BatchView& b) { return sm.Replay(b); }));
  SUANLI_ASSIGN(const std::uint64_t last_seq, options.store->LastSeq());
  if (last_seq != sm.last_seq()) {
    return MakeError(ErrorCode::kIo, "batches",
                     "store reports seq " + std::to_string(last_seq) + " but replay reached " +
                         std::to_string(sm.last_seq()));
  }
  const InvariantReport report = sm.CheckAll();
  if (!report.ok()) {
    return MakeError(ErrorCode::kIo, "ledger",
                     "invariant violated after recovery: " + report.violations.front());
  }
  Impl* raw = impl.get();
  raw->responder = std::thread([raw] { raw->Respond(); });
  raw->writer = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Ledger::~Ledger() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->not_empty.notify_all();
  impl_->not_full.notify_all();
  impl_->writer.join();
  {
    std::lock_guard lock(impl_->answer_mu);
    impl_->writer_done = true;
  }
  impl_->answer_ready.notify_all();
  impl_->responder.join();
}

std::future<Result<std::vector<AccountOutcome>>> Ledger::SubmitAccounts(
    std::vector<AccountSpec> specs) {
  auto r = std::make_unique<Request>();
  auto future = r->account_promise.get_future();
  if (specs.size() > limits::kTransfersPerRequestMax) {
    r->account_promise.set_value(TooMany(specs.size()));
    return future;
  }
  r->kind = Request::kAccounts;
  r->accounts = std::move(specs);
  impl_->Enqueue(std::move(r));
  return future;
}

std::future<Result<std::vector<TransferOutcome>>> Ledger::SubmitTransfers(
    std::vector<TransferSpec> specs) {
  auto r = std::make_unique<Request>();
  auto future = r->transfer_promise.get_future();
  if (specs.size() > limits::kTransfersPerRequestMax) {
    r->transfer_promise.set_value(TooMany(specs.size()));
    return future;
  }
  r->kind = Request::kTransfers;
  r->transfers = std::move(specs);
  impl_->Enqueue(std::move(r));
  return future;
}

Result<std::vector<AccountOutcome>> Ledger::CreateAccounts(std::vector<AccountSpec> specs) {
  return SubmitAccounts(std::move(specs)).get();
}

Result<std::vector<TransferOutcome>> Ledger::CreateTransfers(std::vector<TransferSpec> specs) {
  return SubmitTransfers(std::move(specs)).get();
}

Result<std::vector<std::optional<Account>>> Ledger::LookupAccounts(std::vector<AccountId> ids) {
  using Out = std::vector<std::optional<Account>>;
  return impl_->RunTask<Out>([ids = std::move(ids)](const StateMachine& sm) {
    Out out;
    out.reserve(ids.size());
    for (const AccountId id : ids) out.push_back(sm.GetAccount(id));
    return out;
  });
}

Result<std::optional<Account>> Ledger::LookupAccountByKey(std::string key) {
  return impl_->RunTask<std::optional<Account>>(
      [key = std::move(key)](const StateMachine& sm) { return sm.GetAccountByKey(key); });
}

Result<std::optional<Transfer>> Ledger::LookupTransferByKey(std::string key) {
  return impl_->RunTask<std::optional<Transfer>>(
      [key = std::move(key)](const StateMachine& sm) { return sm.GetTransferByKey(key); });
}

Result<std::optional<Transfer>> Ledger::LookupTransfer(TransferId id) {
  return impl_->RunTask<std::optional<Transfer>>(
      [id](const StateMachine& sm) { return sm.GetTransfer(id); });
}

Result<InvariantReport> Ledger::CheckInvariants() {
  return impl_->RunTask<InvariantReport>([](const StateMachine& sm) { return sm.CheckAll(); });
}

LedgerStats Ledger::Stats() const {
  return LedgerStats{impl_->batches.load(), impl_->requests.load(), impl_->events.load(),
                     impl_->body_bytes.load()};
}

bool Ledger::read_only() const { return impl_->read_only.load(); }

}  // namespace suanli::ledger
