// The usage store's key index (usage_key_index.h).
#include "metering/usage_key_index.h"

#include <cstring>
#include <functional>

#include "core/check.h"
#include "metering/short_bytes.h"

namespace suanli::metering {
namespace {

std::size_t HashText(std::string_view s) { return ShortHash(s); }

}  // namespace

std::size_t UsageKeyIndex::SpilledHash::operator()(const SpilledKey& k) const noexcept {
  // boost's flat map mixes the hash further, so a plain combination is enough.
  return HashText(k.step) * 31 + k.job;
}

std::size_t UsageKeyIndex::JobHash::operator()(std::string_view key) const noexcept {
  return HashText(key);
}
std::size_t UsageKeyIndex::JobHash::operator()(std::uint32_t job) const noexcept {
  return HashText(index->JobKey(job));
}
bool UsageKeyIndex::JobEq::operator()(std::string_view key, std::uint32_t job) const noexcept {
  return ShortEqual(index->JobKey(job), key);
}
bool UsageKeyIndex::JobEq::operator()(std::uint32_t job, std::string_view key) const noexcept {
  return ShortEqual(index->JobKey(job), key);
}

char* UsageKeyIndex::Arena::Room(std::size_t n, std::uint32_t* ref) {
  SUANLI_CHECK(n <= kChunkBytes);
  if (used_ + n > kChunkBytes) {
    SUANLI_CHECK(chunks_.size() < (std::size_t{1} << (32 - kChunkBits)));
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(kChunkBytes));
    used_ = 0;
  }
  *ref = static_cast<std::uint32_t>(((chunks_.size() - 1) << kChunkBits) | used_);
  char* p = chunks_.back().get() + used_;
  used_ += n;
  return p;
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
  const char* p = chunks_[ref >> kChunkBits].get() + (ref & (kChunkBytes - 1));
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
  job_index_.reserve(keys / 4);
}

bool UsageKeyIndex::IsJob(std::string_view key, std::string_view center, std::string_view job) {
  return key.size() == center.size() + 1 + job.size() && key[center.size()] == '\x1f' &&
         ShortEqual(key.substr(0, center.size()), center) &&
         ShortEqual(key.substr(center.size() + 1), job);
}

std::uint32_t UsageKeyIndex::FindJob(std::string_view center, std::string_view job) const {
  if (last_job_ != kNone && IsJob(JobKey(last_job_), center, job)) return last_job_;
  // The key's bytes are needed only to probe; a stack buffer serves every real name.
  char buf[256];
  std::string owned;
  const std::size_t n = center.size() + 1 + job.size();
  char* key = buf;
  if (n > sizeof buf) {
    owned.resize(n);
    key = owned.data();
  }
  if (!center.empty()) std::memcpy(key, center.data(), center.size());
  key[center.size()] = '\x1f';
  if (!job.empty()) std::memcpy(key + center.size() + 1, job.data(), job.size());
  const auto it = job_index_.find(std::string_view(key, n));
  return it == job_index_.end() ? kNone : *it;
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
  std::uint32_t j = FindJob(center, job);
  if (j == kNone) {
    j = static_cast<std::uint32_t>(jobs_.size());
    jobs_.push_back(Job{arena_.Add2(center, '\x1f', job), kNone, 0});
    job_index_.insert(j);
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
      job_index_.erase(s.job);
      jobs_.pop_back();
    }
    slots_.pop_back();
  }
  last_job_ = kNone;
}

}  // namespace suanli::metering
