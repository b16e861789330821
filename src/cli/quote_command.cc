// `suanli quote --program FILE --case FILE.json`: one case under one program, as JSON on stdout.
// Exit 0 eligible, 1 not eligible, 2 bad input (error JSON on stderr naming the field). The
// handler only reads the two inputs and prints; the decision is policy::Quote's.
#include <iostream>

#include "cli/commands.h"
#include "cli/input.h"
#include "policy/case_parser.h"
#include "policy/program_loader.h"
#include "policy/quote.h"
#include "policy/quote_json.h"

namespace suanli::cli {
namespace {

int RunQuote(const std::string& program_path, const std::string& case_path) {
  auto program = policy::LoadProgramFile(program_path);
  if (!program.ok()) return BadInput(program.error(), "program");
  auto text = ReadInputText(case_path, "case file");
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
