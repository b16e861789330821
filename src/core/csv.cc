#include "core/csv.h"

namespace suanli {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

Error LineError(ErrorCode code, int line, std::string message) {
  return MakeError(code, "line " + std::to_string(line), std::move(message));
}

// Reads one record starting at text[*pos] (not at the end, not on an empty line), advancing
// *pos past its line end and *line past every line end read (those inside quotes too).
Result<CsvRecord> ReadRecord(std::string_view text, std::size_t* pos, int* line) {
  CsvRecord record;
  record.line = *line;
  std::size_t i = *pos;
  while (true) {  // one cell per turn
    std::string cell;
    if (i < text.size() && text[i] == '"') {
      const int opened_on = *line;
      ++i;
      while (true) {
        if (i >= text.size()) {
          return LineError(ErrorCode::kParse, opened_on,
                           "a quoted cell is not closed (a '\"' is missing)");
        }
        const char c = text[i++];
        if (c == '"') {
          if (i < text.size() && text[i] == '"') {
            cell += '"';
            ++i;
            continue;
          }
          break;
        }
        if (c == '\n') ++*line;
        cell += c;
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        if (text[i] == '"') {
          return LineError(ErrorCode::kParse, *line,
                           "a '\"' inside an unquoted cell (quote the whole cell and write the "
                           "quote twice)");
        }
        cell += text[i++];
      }
    }
    record.cells.push_back(std::move(cell));
    if (i >= text.size()) break;
    const char c = text[i];
    if (c == ',') {
      ++i;
      continue;
    }
    if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      i += c == '\r' ? 2u : 1u;
      ++*line;
      break;
    }
    if (c == '\r') {
      return LineError(ErrorCode::kParse, *line,
                       "a carriage return that does not end the line (lines end in CRLF or LF)");
    }
    return LineError(ErrorCode::kParse, *line,
                     "text after a quoted cell's closing quote (expected ',' or the line end)");
  }
  *pos = i;
  return record;
}

}  // namespace

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text) {
  std::size_t pos = text.starts_with(kUtf8Bom) ? kUtf8Bom.size() : 0;
  int line = 1;
  std::vector<CsvRecord> records;
  while (pos < text.size()) {
    if (text[pos] == '\n' || text.substr(pos, 2) == "\r\n") {  // an empty line: no record
      pos += text[pos] == '\n' ? 1u : 2u;
      ++line;
      continue;
    }
    if (records.size() == kCsvRecordsMax) {
      return LineError(ErrorCode::kTooLarge, line,
                       "more than " + std::to_string(kCsvRecordsMax) + " records");
    }
    SUANLI_ASSIGN(CsvRecord record, ReadRecord(text, &pos, &line));
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace suanli
