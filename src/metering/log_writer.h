// A thread that writes the usage log's batches (usage_store.h) while the next one is built.
// Internal to metering.
//
// Why: a durable ingest spends a fifth of its time in write(2) copying the batch into the page
// cache and waiting for fdatasync; on a second core that overlaps with parsing and rating the
// next batch (docs/benchmarks-metering.md). At most one batch is in flight: Start waits for
// nothing itself, and its caller must Wait for the previous batch first, so batches reach the
// file in order and a batch after a failed one is never written.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "metering/log_buffer.h"

namespace suanli::metering {

class LogWriter {
 public:
  // Writes to `fd` (not owned), fdatasyncing each batch when `sync`. `path` names the file in
  // errors.
  LogWriter(int fd, bool sync, std::string path);
  ~LogWriter();  // waits for the batch in flight, then stops the thread
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Takes the bytes of *batch (swapping in an empty buffer with spare capacity) and writes them
  // at `offset`, then fdatasyncs. CHECKs that no batch is in flight.
  void Start(LogBuffer* batch, std::uint64_t offset);
  // Waits for the batch in flight, if any, and returns its outcome: ok once its fdatasync
  // returned; kIoUncertain when the write or the sync failed (the batch may be partly or
  // wholly on disk, and reopening the store decides).
  Status Wait();
  bool busy() const { return busy_; }

 private:
  void Run();
  Status WriteAndSync(const LogBuffer& bytes, std::uint64_t offset) const;

  const int fd_;
  const bool sync_;
  const std::string path_;
  bool busy_ = false;  // the caller's view: Start called and Wait not yet
  std::mutex mu_;
  std::condition_variable cv_;
  // Guarded by mu_:
  bool has_batch_ = false;
  bool done_ = false;
  bool stop_ = false;
  LogBuffer batch_;
  std::uint64_t offset_ = 0;
  Status outcome_ = OkStatus();
  std::thread thread_;  // last: started once the fields above exist
};

}  // namespace suanli::metering
