// The usage store's key index: which (center, job, step) keys are stored, with the current
// revision of each one's line. Internal to metering (usage_store.h owns one).
//
// Why grouped by job: usage arrives grouped by job (sacct prints a job's row and then its
// steps; a pull returns them together), so the index keeps one hash entry per (center, job)
// and the job's steps on a short chain of slots appended in arrival order. A job's second and
// later keys then cost no hash probe at all (the last job is remembered) and touch only slots
// written a moment ago, where one table of whole keys cost two cache misses per key at random
// places in a table of tens of MB (a third of a durable ingest's CPU time,
// docs/benchmarks-metering.md). A job with more than kChainStepsMax steps (Slurm allows
// thousands) moves its steps to a second table keyed by (job, step), so a lookup never walks
// a long chain.
//
// Keys are only ever added, except that Truncate takes back the newest ones (the undo of a
// batch whose fdatasync never returned).
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "metering/huge_page_allocator.h"

namespace suanli::metering {

class UsageKeyIndex {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  static constexpr std::uint32_t kChainStepsMax = 32;

  UsageKeyIndex() = default;
  UsageKeyIndex(const UsageKeyIndex&) = delete;
  UsageKeyIndex& operator=(const UsageKeyIndex&) = delete;

  // Sizes the tables for `keys` keys in all (a hint).
  void Reserve(std::size_t keys);

  // Adds the key with revision 0 and returns true; returns false, changing nothing, when it is
  // present.
  bool Insert(std::string_view center, std::string_view job, std::string_view step);

  // Starts loading the table memory where the job's entry lies, so that an Insert or Find of
  // it a little later (after rating the record) does not wait for it. A hint only.
  void Prefetch(std::string_view center, std::string_view job) const;

  // The key's slot, or kNone. A slot number stays valid until Truncate removes it.
  std::uint32_t Find(std::string_view center, std::string_view job, std::string_view step) const;
  std::uint32_t revision(std::uint32_t slot) const { return slots_[slot].revision; }
  void set_revision(std::uint32_t slot, std::uint32_t revision) {
    slots_[slot].revision = revision;
  }

  // Keys in the index; slots are numbered 0..size()-1 in insertion order.
  std::size_t size() const { return slots_.size(); }

  // Removes every key added after the index held `keys` keys.
  void Truncate(std::size_t keys);

 private:
  // Slots and jobs are small (16 and 12 bytes: millions of them are written once each, and
  // fresh memory is what a large ingest pays for) and refer to their names by arena offset.
  struct Slot {
    std::uint32_t step;  // arena ref of the step name
    std::uint32_t revision;
    std::uint32_t prev;  // the job's previous slot, or kNone
    std::uint32_t job;   // index into jobs_
  };
  static constexpr std::uint32_t kSpilled = 0x80000000u;
  struct Job {
    std::uint32_t key;    // arena ref of "center\x1fjob"
    std::uint32_t head;   // the job's newest slot
    std::uint32_t steps;  // slots on the chain; | kSpilled when its steps are in spilled_
  };
  struct SpilledKey {
    std::uint32_t job;
    std::string_view step;  // in the arena
    bool operator==(const SpilledKey&) const = default;
  };
  struct SpilledHash {
    std::size_t operator()(const SpilledKey& k) const noexcept;
  };
  // Strings, each as a varint length and its bytes, in 2 MiB chunks (huge pages) that never
  // move; a string is named by its offset in the chunks laid end to end (a u32: 4 GiB in all).
  class Arena {
   public:
    Arena() = default;
    ~Arena();
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;
    std::uint32_t Add(std::string_view s);
    std::uint32_t Add2(std::string_view a, char sep, std::string_view b);
    std::string_view Get(std::uint32_t ref) const;

   private:
    char* Room(std::size_t n, std::uint32_t* ref);
    static constexpr std::size_t kChunkBits = 21;
    static constexpr std::size_t kChunkBytes = std::size_t{1} << kChunkBits;
    std::vector<char*> chunks_;
    std::size_t used_ = kChunkBytes;
  };
  // The job table: open addressing with linear probing over (job, 32-bit hash) cells, at most
  // half full. Its own rather than a library map because a cell's address is known from the
  // hash alone, which Prefetch needs; the stored hash spares reading a job's key on a miss and
  // when the table grows. Equality is the caller's (the key's text lives in the arena).
  struct Cell {
    std::uint32_t job;   // kNone: empty
    std::uint32_t hash;
  };
  static std::uint32_t JobHash(std::string_view center, std::string_view job);
  void GrowJobTable();
  // Puts a cell of a job not in the table into the first empty cell from its home.
  void PlaceCell(Cell cell);
  void EraseJob(std::uint32_t job, std::uint32_t hash);

  std::string_view JobKey(std::uint32_t job) const { return arena_.Get(jobs_[job].key); }
  std::string_view StepName(std::uint32_t slot) const { return arena_.Get(slots_[slot].step); }
  // The job's index in jobs_, or kNone; *hash gets its JobHash when it was computed (not for
  // the last job, which is remembered).
  std::uint32_t FindJob(std::string_view center, std::string_view job,
                        std::uint32_t* hash = nullptr) const;
  static bool IsJob(std::string_view key, std::string_view center, std::string_view job);
  std::uint32_t FindStep(std::uint32_t job, std::string_view step) const;
  void Spill(std::uint32_t job);
  // The arena ref of a step name, shared with an earlier slot of the same name when one of the
  // last few distinct names matches (sacct's are "", "batch", "extern", "0", "1", ... over and
  // over), so the names of millions of steps take a few bytes in all.
  std::uint32_t StepRef(std::string_view step);

  Arena arena_;
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::vector<Job, HugePageAllocator<Job>> jobs_;
  std::vector<Cell, HugePageAllocator<Cell>> cells_;  // a power of two of them, or none
  std::size_t jobs_in_cells_ = 0;
  boost::unordered_flat_map<SpilledKey, std::uint32_t, SpilledHash> spilled_;  // → slot
  std::uint32_t last_job_ = kNone;  // the job of the last Insert
  static constexpr std::size_t kRecentSteps = 8;
  std::array<std::uint32_t, kRecentSteps> recent_steps_{};  // arena refs
  std::size_t recent_step_count_ = 0;
  std::size_t recent_step_next_ = 0;  // the one to replace next
};

}  // namespace suanli::metering
