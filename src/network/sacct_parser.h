// Parses the `sacct --parsable2` files that providers upload: a header line naming the columns,
// then one job or step per line, fields separated by '|'. Every line yields either a row or an
// error naming the line, the column and the reason, so bad lines are reported and never billed.
// Built for ingest speed (benchmarked against `wc -l`): no regex, no allocation per good line —
// a row is a view into the caller's text.
//
// Columns (header names as sacct prints them, any order):
//   required  JobID Account User Partition Submit Start End ElapsedRaw AllocTRES State ExitCode
//   optional  Cluster (else SacctOptions::default_cluster, which must then be set)
// Produce such a file with
//   sacct --allusers --parsable2 -M <cluster> -S <from> -E <to>
//         --format=JobID,Cluster,Account,User,Partition,Submit,Start,End,ElapsedRaw,AllocTRES,State,ExitCode
// Any other column in the header is an error (line 1) unless allow_unknown_columns.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/result.h"
#include "network/center_connector.h"
#include "network/sacct_tres_cache.h"

namespace suanli::network {

struct SacctOptions {
  // sacct prints local time without an offset; the centers of the programs run on China
  // Standard Time, so CST unless the provider says otherwise.
  std::int64_t utc_offset_s = kCstOffsetSeconds;
  // Used when the file has no Cluster column, or a row's Cluster is empty.
  std::string default_cluster;
  bool allow_unknown_columns = false;
};

// Why a line was refused. Stable names (SacctErrorKindName) for reports.
enum class SacctErrorKind : std::uint8_t {
  kMalformed,         // not enough or too many fields: a truncated or broken line
  kMissingColumn,     // the header lacks a required column
  kUnknownColumn,     // the header names a column this parser does not know
  kEmptyField,        // a required value is empty
  kBadJobId,          // JobID is not <digits>[_task|+comp][.step]
  kBadTime,           // not YYYY-MM-DDTHH:MM:SS, or a day/time that does not exist
  kBadNumber,         // ElapsedRaw is not an integer
  kNegativeDuration,  // ElapsedRaw < 0
  kEndBeforeStart,    // End earlier than Start
  kBadTres,           // AllocTRES is not name=count[,name=count...]
  kBadState,          // State is not a Slurm job state
  kBadExitCode,       // ExitCode is not <code>:<signal>
};
std::string_view SacctErrorKindName(SacctErrorKind kind);

struct SacctLineError {
  std::uint64_t line = 0;  // 1-based; the header is line 1
  SacctErrorKind kind = SacctErrorKind::kMalformed;
  std::string column;      // the header name of the offending column; empty for whole-line errors
  std::string reason;

  std::string ToString() const;  // "line 7: ElapsedRaw: negative duration (-5)"
};

// A TRES in a row: the name is a view into the line; mem is in MB.
struct TresCount {
  std::string_view name;
  std::int64_t count = 0;
};
inline constexpr std::size_t kSacctMaxTres = 16;  // Slurm defines ~10 TRES types; room for gres

// One good line, as views into the text it was parsed from (valid while that text lives).
struct SacctRow {
  std::string_view cluster;
  std::string_view job_id;  // "123", "123_4", "123+1"
  std::string_view step;    // "" for the whole job, else "batch", "extern", "0", ...
  std::string_view account;
  std::string_view user;
  std::string_view partition;
  Instant submit;
  std::optional<Instant> start;
  std::optional<Instant> end;
  std::int64_t elapsed_s = 0;
  std::array<TresCount, kSacctMaxTres> tres{};
  std::uint8_t tres_count = 0;
  JobState state = JobState::kUnknown;
  std::int32_t exit_code = 0;
  std::int32_t exit_signal = 0;
};

// Parses a TRES string as Slurm prints it ("cpu=2,mem=2G,node=1,gres/gpu=1"; sized values to
// MB) into *out. False, with *out unspecified, when any item is not name=count.
bool ParseTresString(std::string_view text, TresMap* out);

// An owning copy of a row (mem in MB, TRES in a map).
UsageRecord ToUsageRecord(const SacctRow& row);

// Counts of a whole file's parse.
struct SacctFileStats {
  std::uint64_t lines = 0;  // including the header; blank lines are counted and skipped
  std::uint64_t rows = 0;
  std::uint64_t errors = 0;
};

class SacctStream;

// One parser serves one thread at a time: it memoises the last time and date of each time column
// and the last two AllocTRES it parsed (a job's steps follow it in sacct's output and repeat them).
class SacctParser {
 public:
  // Reads the header line (without its newline). Errors are SacctLineError on line 1.
  static std::optional<SacctParser> FromHeader(std::string_view header, SacctOptions options,
                                               SacctLineError* error);
  // Data lines are parsed through SacctStream (below), which scans each line once.

 private:
  enum Column : std::uint8_t {
    kJobId, kCluster, kAccount, kUser, kPartition, kSubmit, kStart, kEnd, kElapsedRaw,
    kAllocTres, kState, kExitCode, kColumnCount, kIgnored = 0xff,
  };
  static constexpr std::size_t kMaxColumns = 64;  // sacct has ~110 fields; uploads use few

  // SacctStream scans each line once (sacct_scan.h) and hands over the separators.
  friend class SacctStream;

  // A line's fields by column. Deliberately not zero-filled (zeroing 192 bytes a line was 5 % of
  // parse+rate): FromHeader ensures every required column has a position, so ParseScanned
  // assigns each; Cluster, which may be absent, is cleared first.
  struct Fields {
    struct Span {
      const char* data;
      std::size_t size;
    };
    std::array<Span, kColumnCount> at;
    const char* line;  // where the line starts (a field's bytes before it may be read as words)
    std::string_view operator[](Column c) const { return {at[c].data, at[c].size}; }
  };

  SacctParser() = default;
  // A line [begin, end) whose '|' positions a scan found (bar_count of them, the first
  // min(bar_count, kMaxColumns) stored in bars).
  bool ParseScanned(const char* begin, const char* end, const char* const* bars,
                    std::size_t bar_count, std::uint64_t line_no, SacctRow* row,
                    SacctLineError* error) const;
  // "YYYY-MM-DDTHH:MM:SS" in local time at options_.utc_offset_s, memoised in day_memo_[slot].
  // False when malformed or nonexistent.
  bool ParseLocalTime(std::string_view s, std::size_t slot, Instant* out) const;
  struct DayMemo;
  // ParseLocalTime past its memo: the 19 bytes at p, also as the three words it compared.
  bool ConvertLocalTime(const char* p, const std::array<std::uint64_t, 3>& words, DayMemo* memo,
                        Instant* out) const;
  // AllocTRES into row->tres; false with *error filled when bad.
  bool ParseTres(std::string_view tres, std::uint64_t line_no, SacctRow* row,
                 SacctLineError* error) const;
  // Puts a good AllocTRES and its items (row's) in the memo; true.
  bool Remember(std::string_view tres, const SacctRow& row) const;
  bool Fail(std::uint64_t line_no, SacctErrorKind kind, Column column, std::string reason,
            SacctLineError* error) const;
  bool ParseFields(const Fields& f, std::uint64_t line_no, SacctRow* row,
                   SacctLineError* error) const;

  SacctOptions options_;
  std::array<Column, kMaxColumns> columns_{};  // position in the line → column
  std::array<std::string, kColumnCount> names_{};  // column → its header spelling
  std::size_t field_count_ = 0;
  bool sacct_order_ = false;  // the header is the twelve columns in Column's order
  // The last time ParseLocalTime converted for Submit, Start and End (its 19 bytes as three
  // overlapping words, and its instant) and the last date (its 10 bytes and its day).
  struct DayMemo {
    std::array<std::uint64_t, 3> time_words{};
    Instant time;
    bool time_valid = false;
    std::uint64_t date8 = 0;
    std::uint16_t date2 = 0;
    bool valid = false;
    std::int64_t days = 0;
  };
  mutable std::array<DayMemo, 3> day_memo_{};
  // The last two good AllocTRES texts (a job's and its steps', which lack billing=): a copy of
  // each text and its items as offsets into it.
  struct TresMemo {
    std::array<char, 128> text{};
    std::uint8_t size = 0;  // 0: empty memo (an empty AllocTRES needs no parsing)
    std::uint8_t count = 0;
    std::array<std::uint8_t, kSacctMaxTres> name_offset{};
    std::array<std::uint8_t, kSacctMaxTres> name_size{};
    std::array<std::int64_t, kSacctMaxTres> value{};
  };
  mutable std::array<TresMemo, 2> tres_memo_{};
  mutable std::uint8_t tres_memo_next_ = 0;  // the slot a miss overwrites
  // Behind the memo: every good text seen, across jobs (sacct_tres_cache.h).
  mutable SacctTresCache tres_cache_;
};

// Parses a file fed in chunks of any size (read(2) buffers, an upload's body), calling on_row
// for each good line and on_error for each bad one, in file order. Each complete line is parsed
// where it lies in its chunk; only a line cut by a chunk's end is copied. A bad header yields
// one error and no rows. A row's views are valid only during its on_row call (they point into
// the chunk, except for a line that two chunks share).
class SacctStream {
 public:
  using RowFn = std::function<void(const SacctRow&, std::uint64_t line_no)>;
  using ErrorFn = std::function<void(const SacctLineError&)>;
  SacctStream(SacctOptions options, RowFn on_row, ErrorFn on_error);

  // Parses every line `chunk` completes; keeps an unfinished last line for the next call, or,
  // when `last` (no more text follows), parses it where it lies.
  void Feed(std::string_view chunk, bool last = false);
  // Parses the last line when the text did not end with a newline, reports an empty text (no
  // header), and returns the counts. Call once, after the last Feed.
  SacctFileStats Finish();

 private:
  void ScanAndParse(const char* begin, const char* end);  // one line, no newline inside
  void Line(const char* begin, const char* end, std::size_t bar_count);

  SacctOptions options_;
  RowFn on_row_;
  ErrorFn on_error_;
  std::optional<SacctParser> parser_;  // set once the header is read
  bool header_failed_ = false;
  std::string partial_;  // an unfinished line carried to the next chunk
  SacctFileStats stats_;
  SacctRow row_;
  SacctLineError error_;
  std::array<const char*, SacctParser::kMaxColumns> bars_{};
  // sacct_scan.h's widest scan for this CPU.
  const char* (*scan_)(const char*, const char*, const char**, std::size_t, std::size_t*);
};

// The whole of a file held in memory: one Feed and Finish, so every row's views point into
// `text` (valid while it lives).
SacctFileStats ParseSacctText(std::string_view text, const SacctOptions& options,
                              const std::function<void(const SacctRow&, std::uint64_t)>& on_row,
                              const std::function<void(const SacctLineError&)>& on_error);

// Convenience: owning records and errors of a whole file.
struct SacctFile {
  std::vector<UsageRecord> records;
  std::vector<SacctLineError> errors;
  SacctFileStats stats;
};
SacctFile ParseSacctFile(std::string_view text, const SacctOptions& options);

}  // namespace suanli::network
