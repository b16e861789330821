// Builds a Program from a TOML program file (schema: docs/policy.md). A file that is malformed,
// names an unknown key, or contradicts itself is refused whole, with the dotted path of the
// offending field and the reason; a half-loaded program is never returned.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "policy/program.h"

namespace suanli::policy {

// Parses program text. Pure: no I/O. `origin` (e.g. the file name) prefixes parse messages.
Result<Program> ParseProgram(std::string_view toml_text, std::string_view origin = "program");

// Reads `path` (at most limits::kDocumentBytesMax bytes) and parses it. kNotFound when the
// file is missing, kIo when it cannot be read, kOutOfRange when it is longer, kContradiction
// (program.id) when the program's id is not the file's name without .toml (so ids are unique
// within a directory). `text`, when given, receives the bytes parsed (the platform keeps each
// version of a program's file).
Result<Program> LoadProgramFile(const std::string& path, std::string* text = nullptr);

// Cross-field checks (caps vs floor, tiers referenced by caps, mode vs sections, ...). Called by
// ParseProgram; exposed for tests that build a Program by hand.
Status CheckProgram(const Program& program);

}  // namespace suanli::policy
