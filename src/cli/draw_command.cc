// `suanli draw --program FILE --entrants FILE --seed N`: a week's draw of experience vouchers
// (Nanjing, seed 002: 24–96 hours each, at least 2,400 hours a week). Entrants are one id per
// line (blank lines and lines starting with '#' are skipped); the seed is recorded with the
// result so anyone can replay the draw and get the same winners. JSON on stdout; exit 0, or 2
// on bad input (a program without an experience rule, duplicate entrants, an unreadable file).
#include <iostream>

#include <boost/json.hpp>

#include "cli/commands.h"
#include "cli/input.h"
#include "policy/draw.h"
#include "policy/program_loader.h"
#include "policy/quote_json.h"

namespace suanli::cli {
namespace {

std::vector<std::string> SplitEntrants(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line[0] != '#') out.push_back(std::move(line));
    start = end + 1;
  }
  return out;
}

int RunDraw(const std::string& program_path, const std::string& entrants_path,
            std::uint64_t seed) {
  auto program = policy::LoadProgramFile(program_path);
  if (!program.ok()) return BadInput(program.error(), "program");
  if (!program->experience) {
    return BadInput(MakeError(ErrorCode::kContradiction, "experience",
                              "program '" + program->id + "' hands out no experience vouchers"),
                    "program");
  }
  auto text = ReadInputText(entrants_path, "entrants file");
  if (!text.ok()) return BadInput(text.error(), "entrants");
  auto drawn = policy::DrawExperienceVouchers(*program->experience, SplitEntrants(*text), seed);
  if (!drawn.ok()) return BadInput(drawn.error(), "entrants");

  boost::json::array winners;
  for (const policy::DrawWinner& w : drawn->winners) {
    winners.push_back({{"entrant", w.entrant}, {"hours", w.hours}});
  }
  const policy::Experience& rule = *program->experience;
  boost::json::object out{{"program", program->id},
                          {"seed", seed},
                          {"hours_min", rule.hours_min},
                          {"hours_max", rule.hours_max},
                          {"weekly_hours_min", rule.weekly_hours_min},
                          {"total_hours", drawn->total_hours},
                          {"shortfall_hours", drawn->shortfall_hours},
                          {"winners", std::move(winners)},
                          {"clause", rule.source.clause}};
  std::cout << policy::PrettyJson(out);
  return 0;
}

}  // namespace

void RegisterDrawCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("draw", "Draw a week's experience vouchers (JSON out)");
  auto program = std::make_shared<std::string>();
  auto entrants = std::make_shared<std::string>();
  auto seed = std::make_shared<std::uint64_t>(0);
  cmd->add_option("--program", *program, "program file with an [experience] rule")->required();
  cmd->add_option("--entrants", *entrants, "entrant ids, one per line, or - for stdin")
      ->required();
  cmd->add_option("--seed", *seed, "the draw's seed (publish it: the draw replays from it)")
      ->required();
  cmd->callback([=] { *exit_code = RunDraw(*program, *entrants, *seed); });
}

}  // namespace suanli::cli
