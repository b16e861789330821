// RFC 4180 CSV, as spreadsheets export it: what officers import (the register of other
// subsidies). A cell may be quoted ("成都市科技项目,2024"), a quote inside a quoted cell is
// doubled, lines end in CRLF or LF, and a UTF-8 byte-order mark at the very start is dropped.
// Errors name the line ("line 3") so a person can find it in the file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace suanli {

struct CsvRecord {
  int line = 0;  // the 1-based line the record starts on (a quoted cell may span lines)
  std::vector<std::string> cells;
};

// Records a CSV file may hold: bounds the memory and the time one import takes. The largest
// register a city keeps is a few thousand rows.
inline constexpr std::size_t kCsvRecordsMax = 100'000;

// The records of `text`, in order. Rules:
//  1. A leading UTF-8 BOM (EF BB BF) is skipped; one anywhere else is data.
//  2. A record ends at LF or CRLF outside quotes (or at the end of the text); a CR outside
//     quotes anywhere else is refused. An empty line is no record (a blank line between rows,
//     the final line end); a line of only commas is a record of empty cells.
//  3. A cell that starts with '"' is quoted: it runs to the next lone '"', "" inside stands for
//     one '"', and commas, CR and LF inside are data. After the closing quote comes ',', the
//     line end or the end of the text, or the record is refused (`"a"b`).
//  4. A '"' inside an unquoted cell is refused (quote the cell and double the quote).
// Errors: kParse on "line N" (an unterminated quote names the line its cell opened on), or
// kTooLarge on "line N" past kCsvRecordsMax records. Cells are returned byte for byte (no
// trimming); UTF-8 is not checked.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text);

}  // namespace suanli
