// A sacct file fed in chunks (sacct_parser.h): lines cut into complete ones and handed to the
// parser with their separators found in one scan (sacct_scan.h).
#include <cstring>
#include <utility>

#include "network/sacct_parser.h"
#include "network/sacct_scan.h"

namespace suanli::network {

SacctStream::SacctStream(SacctOptions options, RowFn on_row, ErrorFn on_error)
    : options_(std::move(options)),
      on_row_(std::move(on_row)),
      on_error_(std::move(on_error)),
      scan_(BestSacctScan()) {}

void SacctStream::Feed(std::string_view chunk, bool last) {
  const char* p = chunk.data();
  const char* const end = p + chunk.size();
  if (!partial_.empty()) {  // finish the line the last chunk cut
    const void* nl = std::memchr(p, '\n', chunk.size());
    if (nl == nullptr) {
      partial_.append(chunk);
      return;  // Finish parses it
    }
    partial_.append(p, static_cast<const char*>(nl));
    p = static_cast<const char*>(nl) + 1;
    ScanAndParse(partial_.data(), partial_.data() + partial_.size());
    partial_.clear();
  }
  while (p < end) {
    std::size_t bar_count = 0;
    const char* stop = scan_(p, end, bars_.data(), bars_.size(), &bar_count);
    if (stop == end) {  // no newline
      if (last) {
        Line(p, stop, bar_count);
      } else {
        partial_.assign(p, end);  // the rest of the line is in the next chunk
      }
      return;
    }
    Line(p, stop, bar_count);
    p = stop + 1;
  }
}

SacctFileStats SacctStream::Finish() {
  if (!partial_.empty()) {
    ScanAndParse(partial_.data(), partial_.data() + partial_.size());
    partial_.clear();
  }
  if (!parser_ && !header_failed_) {
    ++stats_.errors;
    on_error_(SacctLineError{1, SacctErrorKind::kMissingColumn, "", "empty file: no header"});
  }
  return stats_;
}

void SacctStream::ScanAndParse(const char* begin, const char* end) {
  std::size_t bar_count = 0;
  scan_(begin, end, bars_.data(), bars_.size(), &bar_count);
  Line(begin, end, bar_count);
}

void SacctStream::Line(const char* begin, const char* end, std::size_t bar_count) {
  if (header_failed_) return;  // a file with a bad header is one error, and nothing more
  ++stats_.lines;
  if (!parser_) {
    parser_ = SacctParser::FromHeader(
        std::string_view(begin, static_cast<std::size_t>(end - begin)), options_, &error_);
    if (!parser_) {
      header_failed_ = true;
      ++stats_.errors;
      on_error_(error_);
    }
    return;
  }
  if (begin == end || (end - begin == 1 && *begin == '\r')) return;  // a blank line
  if (parser_->ParseScanned(begin, end, bars_.data(), bar_count, stats_.lines, &row_, &error_)) {
    ++stats_.rows;
    on_row_(row_, stats_.lines);
  } else {
    ++stats_.errors;
    on_error_(error_);
  }
}

SacctFileStats ParseSacctText(std::string_view text, const SacctOptions& options,
                              const std::function<void(const SacctRow&, std::uint64_t)>& on_row,
                              const std::function<void(const SacctLineError&)>& on_error) {
  SacctStream stream(options, on_row, on_error);
  stream.Feed(text, /*last=*/true);
  return stream.Finish();
}

}  // namespace suanli::network
