// Input and error output shared by the subcommands: reading a document from a file or from
// standard input ("-"), bounded in size, and reporting bad input as one JSON line on stderr.
#pragma once

#include <string>

#include "core/result.h"

namespace suanli::cli {

// Reads `path`, or stdin when path is "-"; at most limits::kDocumentBytesMax bytes (a longer
// document is refused, not truncated). `what` names the document in errors ("case file").
Result<std::string> ReadInputText(const std::string& path, const std::string& what);

// Prints {"error","code","field","message","input"} to stderr and returns exit code 2.
int BadInput(const Error& e, const char* input);

}  // namespace suanli::cli
