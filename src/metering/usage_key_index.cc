// The usage store's key index (usage_key_index.h).
#include "metering/usage_key_index.h"

#include <cstring>

#include "core/check.h"
#include "core/prefetch.h"
#include "core/short_bytes.h"

namespace suanli::metering {

std::size_t UsageKeyIndex::SpilledHash::operator()(const SpilledKey& k) const noexcept {
  // boost's flat map mixes the hash further, so a plain combination is enough.
  return ShortHash(k.step) * 31 + k.job;
}

std::uint32_t UsageKeyIndex::JobHash(std::string_view center, std::string_view job) {
  // The high half of a multiply mixes every input bit into the bits the table uses.
  const std::uint64_t h = ShortHash(job) ^ (ShortHash(center) * 0xc2b2ae3d27d4eb4fULL);
  return static_cast<std::uint32_t>((h * 0x9e3779b97f4a7c15ULL) >> 32);
}

char* UsageKeyIndex::Arena::Room(std::size_t n, std::uint32_t* ref) {
  SUANLI_CHECK(n <= kChunkBytes);
  if (used_ + n > kChunkBytes) {
    SUANLI_CHECK(chunks_.size() < (std::size_t{1} << (32 - kChunkBits)));
    chunks_.push_back(static_cast<char*>(AllocateHugePages(kChunkBytes)));
    used_ = 0;
  }
  *ref = static_cast<std::uint32_t>(((chunks_.size() - 1) << kChunkBits) | used_);
  char* p = chunks_.back() + used_;
  used_ += n;
  return p;
}

UsageKeyIndex::Arena::~Arena() {
  for (char* chunk : chunks_) FreeHugePages(chunk, kChunkBytes);
}

namespace {

// A length as a varint: one byte below 128.
char* PutLength(char* p, std::size_t n) {
  while (n >= 0x80) {
    *p++ = static_cast<char>(n | 0x80);
    n >>= 7;
  }
  *p++ = static_cast<char>(n);
  return p;
}
std::size_t LengthBytes(std::size_t n) {
  std::size_t b = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++b;
  }
  return b;
}

}  // namespace

std::uint32_t UsageKeyIndex::Arena::Add(std::string_view s) {
  std::uint32_t ref = 0;
  char* p = PutLength(Room(LengthBytes(s.size()) + s.size(), &ref), s.size());
  // An empty view may hold a null pointer, which memcpy must not see even for 0 bytes (UB).
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return ref;
}

std::uint32_t UsageKeyIndex::Arena::Add2(std::string_view a, char sep, std::string_view b) {
  const std::size_t n = a.size() + 1 + b.size();
  std::uint32_t ref = 0;
  char* p = PutLength(Room(LengthBytes(n) + n, &ref), n);
  if (!a.empty()) std::memcpy(p, a.data(), a.size());
  p[a.size()] = sep;
  if (!b.empty()) std::memcpy(p + a.size() + 1, b.data(), b.size());
  return ref;
}

std::string_view UsageKeyIndex::Arena::Get(std::uint32_t ref) const {
  const char* p = chunks_[ref >> kChunkBits] + (ref & (kChunkBytes - 1));
  std::size_t n = 0;
  for (int shift = 0;; shift += 7) {
    const auto b = static_cast<std::uint8_t>(*p++);
    n |= static_cast<std::size_t>(b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  return {p, n};
}

void UsageKeyIndex::Reserve(std::size_t keys) {
  if (keys <= slots_.size()) return;
  slots_.reserve(keys);
  // Jobs have a row and a few steps each (sacct: batch, extern, numbered); a quarter is a
  // generous guess, and a wrong one only costs a rehash.
  jobs_.reserve(keys / 4);
  // The job table is sized for fewer jobs than that (it is the one probed at random, and fresh
  // memory costs as much as the probes): an eighth of the keys, growing past it if need be.
  while (cells_.size() < keys / 8 * 2) GrowJobTable();
}

void UsageKeyIndex::GrowJobTable() {
  std::vector<Cell, HugePageAllocator<Cell>> old(std::max<std::size_t>(cells_.size() * 2, 1024),
                                                 Cell{kNone, 0});
  old.swap(cells_);
  for (const Cell& c : old) {
    if (c.job != kNone) PlaceCell(c);
  }
}

void UsageKeyIndex::PlaceCell(Cell cell) {
  const std::size_t mask = cells_.size() - 1;
  std::size_t i = cell.hash & mask;
  while (cells_[i].job != kNone) i = (i + 1) & mask;
  cells_[i] = cell;
}

void UsageKeyIndex::EraseJob(std::uint32_t job, std::uint32_t hash) {
  const std::size_t mask = cells_.size() - 1;
  std::size_t i = hash & mask;
  while (cells_[i].job != job) {
    SUANLI_CHECK(cells_[i].job != kNone);
    i = (i + 1) & mask;
  }
  // Backward-shift deletion: later cells of the run that may sit at i move back, so no probe
  // ever stops early at a hole.
  std::size_t hole = i;
  for (std::size_t j = (i + 1) & mask; cells_[j].job != kNone; j = (j + 1) & mask) {
    const std::size_t home = cells_[j].hash & mask;
    // Cell j may fill the hole when its home is not in (hole, j] (cyclically).
    const bool home_after_hole =
        hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!home_after_hole) {
      cells_[hole] = cells_[j];
      hole = j;
    }
  }
  cells_[hole] = Cell{kNone, 0};
  --jobs_in_cells_;
}

void UsageKeyIndex::Prefetch(std::string_view center, std::string_view job) const {
  if (cells_.empty() || (last_job_ != kNone && IsJob(JobKey(last_job_), center, job))) return;
  PrefetchLine(&cells_[JobHash(center, job) & (cells_.size() - 1)]);
}

bool UsageKeyIndex::IsJob(std::string_view key, std::string_view center, std::string_view job) {
  return key.size() == center.size() + 1 + job.size() && key[center.size()] == '\x1f' &&
         ShortEqual(key.substr(0, center.size()), center) &&
         ShortEqual(key.substr(center.size() + 1), job);
}

std::uint32_t UsageKeyIndex::FindJob(std::string_view center, std::string_view job,
                                     std::uint32_t* hash_out) const {
  if (last_job_ != kNone && IsJob(JobKey(last_job_), center, job)) return last_job_;
  const std::uint32_t hash = JobHash(center, job);
  if (hash_out != nullptr) *hash_out = hash;
  if (cells_.empty()) return kNone;
  const std::size_t mask = cells_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Cell& c = cells_[i];
    if (c.job == kNone) return kNone;
    if (c.hash == hash && IsJob(JobKey(c.job), center, job)) return c.job;
  }
}

std::uint32_t UsageKeyIndex::FindStep(std::uint32_t job, std::string_view step) const {
  const Job& j = jobs_[job];
  if ((j.steps & kSpilled) != 0) {
    const auto it = spilled_.find(SpilledKey{job, step});
    return it == spilled_.end() ? kNone : it->second;
  }
  for (std::uint32_t s = j.head; s != kNone; s = slots_[s].prev) {
    if (ShortEqual(StepName(s), step)) return s;
  }
  return kNone;
}

std::uint32_t UsageKeyIndex::Find(std::string_view center, std::string_view job,
                                  std::string_view step) const {
  const std::uint32_t j = FindJob(center, job);
  return j == kNone ? kNone : FindStep(j, step);
}

bool UsageKeyIndex::Insert(std::string_view center, std::string_view job, std::string_view step) {
  SUANLI_CHECK(slots_.size() < kNone - 1 && jobs_.size() < kSpilled);
  std::uint32_t hash = 0;
  std::uint32_t j = FindJob(center, job, &hash);
  if (j == kNone) {
    j = static_cast<std::uint32_t>(jobs_.size());
    jobs_.push_back(Job{arena_.Add2(center, '\x1f', job), kNone, 0});
    if ((jobs_in_cells_ + 1) * 2 > cells_.size()) GrowJobTable();
    PlaceCell(Cell{j, hash});
    ++jobs_in_cells_;
  } else if (FindStep(j, step) != kNone) {
    last_job_ = j;
    return false;
  }
  last_job_ = j;
  const auto slot = static_cast<std::uint32_t>(slots_.size());
  Job& g = jobs_[j];
  slots_.push_back(Slot{StepRef(step), 0, g.head, j});
  g.head = slot;
  ++g.steps;
  if ((g.steps & kSpilled) != 0) {
    spilled_.emplace(SpilledKey{j, StepName(slot)}, slot);
  } else if (g.steps > kChainStepsMax) {
    Spill(j);
  }
  return true;
}

std::uint32_t UsageKeyIndex::StepRef(std::string_view step) {
  for (std::size_t i = 0; i < recent_step_count_; ++i) {
    if (ShortEqual(arena_.Get(recent_steps_[i]), step)) return recent_steps_[i];
  }
  const std::uint32_t ref = arena_.Add(step);
  if (recent_step_count_ < kRecentSteps) {
    recent_steps_[recent_step_count_++] = ref;
  } else {
    recent_steps_[recent_step_next_] = ref;
    recent_step_next_ = (recent_step_next_ + 1) % kRecentSteps;
  }
  return ref;
}

void UsageKeyIndex::Spill(std::uint32_t job) {
  Job& g = jobs_[job];
  for (std::uint32_t s = g.head; s != kNone; s = slots_[s].prev) {
    spilled_.emplace(SpilledKey{job, StepName(s)}, s);
  }
  g.steps |= kSpilled;
}

void UsageKeyIndex::Truncate(std::size_t keys) {
  // Newest first: each removed slot is its job's head, and a job created after the mark loses
  // its first slot last, after every later job's, so it is then the last of jobs_.
  while (slots_.size() > keys) {
    const auto slot = static_cast<std::uint32_t>(slots_.size() - 1);
    const Slot& s = slots_[slot];
    Job& g = jobs_[s.job];
    SUANLI_CHECK(g.head == slot);
    if ((g.steps & kSpilled) != 0) spilled_.erase(SpilledKey{s.job, StepName(slot)});
    g.head = s.prev;
    if ((--g.steps & ~kSpilled) == 0) {
      SUANLI_CHECK(s.job == jobs_.size() - 1);
      const std::string_view key = JobKey(s.job);
      const std::size_t sep = key.find('\x1f');
      EraseJob(s.job, JobHash(key.substr(0, sep), key.substr(sep + 1)));
      jobs_.pop_back();
    }
    slots_.pop_back();
  }
  last_job_ = kNone;
}

}  // namespace suanli::metering
