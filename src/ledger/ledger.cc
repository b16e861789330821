// The Ledger: a bounded request queue in front of one writer thread that owns the StateMachine.
// The writer drains up to a batch of requests, applies them, checks the invariants, appends the
// batch to the store (one transaction, one fsync), and only then answers every request.
// Lookups run on the writer between batches, so they see exactly the acknowledged state.
#include "ledger/ledger.h"

#include <pthread.h>

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

// Set while a ledger thread runs completion callbacks: a submission from inside a callback
// must never wait for queue room (the thread it would wait on may be its own).
thread_local bool in_ledger_callback = false;

struct CallbackScope {
  CallbackScope() : outer(in_ledger_callback) { in_ledger_callback = true; }
  ~CallbackScope() { in_ledger_callback = outer; }
  bool outer;  // a refusal answered inline from inside a callback nests
  CallbackScope(const CallbackScope&) = delete;
  CallbackScope& operator=(const CallbackScope&) = delete;
};

struct Request {
  enum Kind : std::uint8_t { kAccounts, kTransfers, kTask };
  Kind kind = kTask;
  std::vector<AccountSpec> accounts;
  std::vector<TransferSpec> transfers;
  std::vector<AccountOutcome> account_out;
  std::vector<TransferOutcome> transfer_out;
  Ledger::AccountsDone account_done;    // kAccounts: called exactly once
  Ledger::TransfersDone transfer_done;  // kTransfers: called exactly once
  std::function<void(const StateMachine&)> task;  // kTask; sets its own promise or calls back
  std::function<void(const Error&)> task_failed;   // kTask, callback form: refused before it ran

  std::size_t events() const { return accounts.size() + transfers.size(); }
  void Fail(const Error& e) {
    CallbackScope scope;
    if (kind == kAccounts) account_done(e);
    if (kind == kTransfers) transfer_done(e);
    if (kind == kTask && task_failed) task_failed(e);
  }
  void Succeed() {
    CallbackScope scope;
    if (kind == kAccounts) account_done(std::move(account_out));
    if (kind == kTransfers) transfer_done(std::move(transfer_out));
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
  std::size_t queued_events = 0;               // guarded by mu: events in `queue`

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
  static constexpr std::size_t kAnswerInlineMax = 2;
  std::mutex answer_mu;
  std::condition_variable answer_ready;
  std::condition_variable answer_room;
  std::deque<Finished> answers;     // guarded by answer_mu
  bool writer_done = false;       // guarded by answer_mu
  std::thread responder;

  void HandOff(std::vector<std::unique_ptr<Request>> answered, std::optional<Error> error) {
    // A batch of one or two requests (a quiet ledger) is answered here: the hop to the
    // responder would cost more (~0.2 ms at one client) than the wakes themselves.
    if (answered.size() <= kAnswerInlineMax) {
      for (auto& r : answered) {
        if (error) {
          r->Fail(*error);
        } else {
          r->Succeed();
        }
      }
      return;
    }
    {
      std::unique_lock lock(answer_mu);
      answer_room.wait(lock, [&] { return answers.size() < kAnswersQueuedMax; });
      answers.push_back(Finished{std::move(answered), std::move(error)});
    }
    answer_ready.notify_one();
  }

  // Group commit, pipelined: while the committer thread appends sealed batch N (one store
  // transaction, one fsync), the writer applies batch N+1. N+1 is sealed and handed over only
  // once N is durable; if N fails, N+1 is rolled back with it. So at most two batches are
  // unacknowledged, and nothing is answered before its own and every earlier batch's fsync.
  struct CommitJob {
    BatchView view;
    const std::vector<StoredAccount>* accounts = nullptr;
    std::vector<std::unique_ptr<Request>> requests;
    std::uint64_t events = 0;
    bool done = false;
    std::optional<Error> error;  // set when done and the append failed
  };
  std::mutex commit_mu;
  std::condition_variable commit_ready;
  std::condition_variable commit_done;
  std::optional<CommitJob> job;  // guarded by commit_mu; handed to the committer
  bool committer_stop = false;   // guarded by commit_mu
  std::thread committer;

  void Committer() {
    for (;;) {
      std::unique_lock lock(commit_mu);
      commit_ready.wait(lock, [&] { return (job && !job->done) || committer_stop; });
      if (!job || job->done) return;  // stopping, nothing in flight
      const BatchView view = job->view;
      const std::vector<StoredAccount>* accounts = job->accounts;
      lock.unlock();
      const Status status = options.store->Append(view, *accounts);
      lock.lock();
      if (status.ok()) {
        batches.fetch_add(1, std::memory_order_relaxed);
        requests.fetch_add(job->requests.size(), std::memory_order_relaxed);
        events.fetch_add(job->events, std::memory_order_relaxed);
        body_bytes.fetch_add(view.body.size(), std::memory_order_relaxed);
        HandOff(std::move(job->requests), std::nullopt);  // durable: answer now
        job->requests.clear();
      } else {
        job->error = status.error();
      }
      job->done = true;
      lock.unlock();
      commit_done.notify_one();
    }
  }

  // Waits for the batch in flight. Success: commits it in the state machine. Failure: rolls
  // back the open batch (if `open` holds its requests) and the sealed one, answers both with
  // errors and returns false.
  bool FinishInFlight(std::vector<std::unique_ptr<Request>>* open) {
    std::unique_lock lock(commit_mu);
    commit_done.wait(lock, [&] { return job->done; });
    CommitJob finished = std::move(*job);
    job.reset();
    lock.unlock();
    if (!finished.error) {
      sm.CommitSealed();
      return true;
    }
    if (open != nullptr) sm.RollbackBatch();
    sm.RollbackSealed();
    Error error = *finished.error;
    if (error.code == ErrorCode::kConflict) {
      const Status caught_up = CatchUp();
      if (!caught_up.ok()) error = MarkReadOnly(caught_up.error());
    } else if (error.code != ErrorCode::kIo) {
      error = MarkReadOnly(error);
    }
    HandOff(std::move(finished.requests), error);
    if (open != nullptr) {
      // Never written: it depended on the failed batch (e.g. a duplicate of one of its keys).
      Error dependent = error;
      if (error.code == ErrorCode::kIoUncertain) dependent.code = ErrorCode::kReadOnly;
      dependent.message = "not written: an earlier batch failed: " + error.message;
      HandOff(std::move(*open), std::move(dependent));
      open->clear();
    }
    return false;
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
    // Backpressure: wait for room; the writer always makes progress, so this ends. Not from a
    // completion callback: it runs on a ledger thread that the wait could block (even the
    // writer itself). There the queue may exceed its bound by the requests that callbacks
    // resubmit, which is at most the number of requests outstanding.
    if (!in_ledger_callback) {
      not_full.wait(lock, [&] { return queue.size() < options.queue_requests_max || stopping; });
    }
    if (stopping) {
      lock.unlock();
      r->Fail(MakeError(ErrorCode::kReadOnly, "ledger", "the ledger is closing"));
      return;
    }
    queued_events += r->events();
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
    bool in_flight = false;  // a sealed batch is with the committer
    for (;;) {
      std::unique_lock lock(mu);
      // Overlap the next batch with the commit in flight only when a backlog is waiting: else
      // the commit ends first, so more requests gather and the next batch (and its one fsync)
      // carries more of them. Measured with 64 clients x 16: always overlapping halves the
      // batches and doubles the fsyncs, for 25 % less throughput.
      if (in_flight && (queue.empty() || queued_events < options.overlap_backlog_events_min)) {
        lock.unlock();
        FinishInFlight(nullptr);
        in_flight = false;
        continue;
      }
      not_empty.wait(lock, [&] { return !queue.empty() || stopping; });
      if (queue.empty()) return;  // stopping, drained, nothing in flight
      TakeBatch();
      lock.unlock();
      not_full.notify_all();
      if (batch.front()->kind == Request::kTask) {
        // Lookups see acknowledged state only: settle the batch in flight first.
        if (in_flight) FinishInFlight(nullptr);
        in_flight = false;
        for (auto& r : batch) r->task(sm);
        batch.clear();
      } else {
        in_flight = ProcessBatch(in_flight);
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
      queued_events -= next.events();
      batch.push_back(std::move(queue.front()));
      queue.pop_front();
    }
  }

  // Applies `batch`; returns whether a batch is in flight afterwards.
  bool ProcessBatch(bool in_flight) {
    if (read_only.load()) {  // (no batch is in flight once read-only)
      HandOff(std::move(batch), MakeError(ErrorCode::kReadOnly, "ledger",
                                          "read-only after an uncertain I/O failure; reopen"));
      batch.clear();
      return in_flight;
    }
    sm.BeginBatch(sm.last_seq() + (in_flight ? 2 : 1), options.clock->Now());
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
    if (in_flight && !FinishInFlight(&batch)) return false;
    if (sm.batch_empty()) {  // nothing to make durable: every event failed or was a duplicate
      sm.AbandonEmptyBatch();
      HandOff(std::move(batch), std::nullopt);
      batch.clear();
      return false;
    }
    const std::uint64_t events_n = sm.batch_events();
    sm.Seal();
    {
      std::lock_guard lock(commit_mu);
      job.emplace();
      job->view = sm.sealed_batch();
      job->accounts = &sm.sealed_new_accounts();
      job->requests = std::move(batch);
      job->events = events_n;
    }
    batch.clear();
    commit_ready.notify_one();
    return true;
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
  sm.Reserve(options.accounts_expected, options.transfers_expected);
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
  // Named, so that `top -H` and `perf report --sort comm` tell the three apart.
  raw->responder = std::thread([raw] {
    pthread_setname_np(pthread_self(), "ledger-answer");
    raw->Respond();
  });
  raw->committer = std::thread([raw] {
    pthread_setname_np(pthread_self(), "ledger-commit");
    raw->Committer();
  });
  raw->writer = std::thread([raw] {
    pthread_setname_np(pthread_self(), "ledger-writer");
    raw->Run();
  });
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
  impl_->writer.join();  // it settles the batch in flight before it returns
  {
    std::lock_guard lock(impl_->commit_mu);
    impl_->committer_stop = true;
  }
  impl_->commit_ready.notify_all();
  impl_->committer.join();
  {
    std::lock_guard lock(impl_->answer_mu);
    impl_->writer_done = true;
  }
  impl_->answer_ready.notify_all();
  impl_->responder.join();
}

void Ledger::SubmitAccounts(std::vector<AccountSpec> specs, AccountsDone done) {
  SUANLI_CHECK(done != nullptr);
  if (specs.size() > limits::kTransfersPerRequestMax) {
    done(TooMany(specs.size()));
    return;
  }
  auto r = std::make_unique<Request>();
  r->kind = Request::kAccounts;
  r->accounts = std::move(specs);
  r->account_done = std::move(done);
  impl_->Enqueue(std::move(r));
}

void Ledger::SubmitTransfers(std::vector<TransferSpec> specs, TransfersDone done) {
  SUANLI_CHECK(done != nullptr);
  if (specs.size() > limits::kTransfersPerRequestMax) {
    done(TooMany(specs.size()));
    return;
  }
  auto r = std::make_unique<Request>();
  r->kind = Request::kTransfers;
  r->transfers = std::move(specs);
  r->transfer_done = std::move(done);
  impl_->Enqueue(std::move(r));
}

// The future forms are the callback forms with a promise behind them: one path for writes.
std::future<Result<std::vector<AccountOutcome>>> Ledger::SubmitAccounts(
    std::vector<AccountSpec> specs) {
  auto promise = std::make_shared<std::promise<Result<std::vector<AccountOutcome>>>>();
  auto future = promise->get_future();
  SubmitAccounts(std::move(specs), [promise](Result<std::vector<AccountOutcome>> r) {
    promise->set_value(std::move(r));
  });
  return future;
}

std::future<Result<std::vector<TransferOutcome>>> Ledger::SubmitTransfers(
    std::vector<TransferSpec> specs) {
  auto promise = std::make_shared<std::promise<Result<std::vector<TransferOutcome>>>>();
  auto future = promise->get_future();
  SubmitTransfers(std::move(specs), [promise](Result<std::vector<TransferOutcome>> r) {
    promise->set_value(std::move(r));
  });
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

void Ledger::SubmitLookupTransferByKey(std::string key, TransferLookupDone done) {
  auto r = std::make_unique<Request>();
  r->kind = Request::kTask;
  auto shared_done = std::make_shared<TransferLookupDone>(std::move(done));
  r->task = [key = std::move(key), shared_done](const StateMachine& sm) {
    CallbackScope scope;  // a resubmission from `done` must not wait for queue room
    (*shared_done)(sm.GetTransferByKey(key));
  };
  r->task_failed = [shared_done](const Error& e) { (*shared_done)(e); };
  impl_->Enqueue(std::move(r));
}

Result<std::optional<Transfer>> Ledger::LookupTransfer(TransferId id) {
  return impl_->RunTask<std::optional<Transfer>>(
      [id](const StateMachine& sm) { return sm.GetTransfer(id); });
}

Result<std::vector<Transfer>> Ledger::ScanTransfers(TransferId after, std::size_t limit) {
  if (limit > limits::kScanTransfersMax) {
    return MakeError(ErrorCode::kOutOfRange, "limit",
                     "at most " + std::to_string(limits::kScanTransfersMax) + " per scan");
  }
  return impl_->RunTask<std::vector<Transfer>>([after, limit](const StateMachine& sm) {
    std::vector<Transfer> out;
    for (std::uint64_t id = after.value + 1; out.size() < limit; ++id) {
      std::optional<Transfer> t = sm.GetTransfer(TransferId(id));
      if (!t) break;
      out.push_back(std::move(*t));
    }
    return out;
  });
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
