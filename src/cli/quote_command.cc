// `suanli quote --program FILE --case FILE.json`: one case under one program, as JSON on stdout.
// Exit 0 eligible, 1 not eligible, 2 bad input (error JSON on stderr naming the field). The
// handler only reads the two inputs and prints; the decision is policy::Quote's.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.h"
#include "core/limits.h"
#include "policy/case_parser.h"
#include "policy/program_loader.h"
#include "policy/quote.h"
#include "policy/quote_json.h"

namespace suanli::cli {
namespace {

// Reads a case from `path`, or from stdin when path is "-"; at most kDocumentBytesMax bytes.
Result<std::string> ReadCaseText(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return MakeError(ErrorCode::kNotFound, path, "cannot open case file");
    in = &file;
  }
  std::string text(limits::kDocumentBytesMax + 1, '\0');
  in->read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in->bad()) return MakeError(ErrorCode::kIo, path, "read failed");
  text.resize(static_cast<std::size_t>(in->gcount()));
  return text;
}

int BadInput(const Error& e, const char* input) {
  boost::json::object o = policy::ErrorToJson(e);
  o["input"] = input;
  std::cerr << boost::json::serialize(o) << "\n";
  return 2;
}

int RunQuote(const std::string& program_path, const std::string& case_path) {
  auto program = policy::LoadProgramFile(program_path);
  if (!program.ok()) return BadInput(program.error(), "program");
  auto text = ReadCaseText(case_path);
  if (!text.ok()) return BadInput(text.error(), "case");
  auto the_case = policy::ParseCase(*text);
  if (!the_case.ok()) return BadInput(the_case.error(), "case");
  const policy::QuoteResult result = policy::Quote(*program, *the_case);
  std::cout << policy::PrettyJson(policy::QuoteToJson(result));
  return result.eligible ? 0 : 1;
}

}  // namespace

void RegisterQuoteCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("quote", "Quote one case under one program (JSON out)");
  auto program = std::make_shared<std::string>();
  auto case_path = std::make_shared<std::string>();
  cmd->add_option("--program", *program, "program file (programs/*.toml)")->required();
  cmd->add_option("--case", *case_path, "case JSON file, or - for stdin (docs/case-schema.md)")
      ->required();
  cmd->callback([=] { *exit_code = RunQuote(*program, *case_path); });
}

}  // namespace suanli::cli
