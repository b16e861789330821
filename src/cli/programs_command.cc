// `suanli programs [--dir programs] [--json]`: lists and validates every program file;
// `suanli programs show FILE`: one program's rules as readable text with their clauses.
// Exit 0 when every file loads, 2 when any is refused (the refusal is printed with its field).
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "policy/program_loader.h"
#include "policy/program_text.h"
#include "policy/quote_json.h"

namespace suanli::cli {
namespace {

namespace fs = std::filesystem;

std::string Pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

int ListPrograms(const std::string& dir, bool as_json) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".toml") files.push_back(e.path());
  }
  if (ec) {
    std::cerr << boost::json::serialize(policy::ErrorToJson(
                     MakeError(ErrorCode::kNotFound, dir, "cannot list: " + ec.message())))
              << "\n";
    return 2;
  }
  std::sort(files.begin(), files.end());
  int rc = 0;
  boost::json::array out;
  for (const auto& f : files) {
    auto p = policy::LoadProgramFile(f.string());
    if (!p.ok()) {
      rc = 2;
      boost::json::object err = policy::ErrorToJson(p.error());
      err["file"] = f.string();
      if (as_json) out.push_back(err);
      else std::cout << "REFUSED " << f.string() << ": " << p.error().ToString() << "\n";
      continue;
    }
    boost::json::object summary = policy::ProgramSummaryJson(*p);
    summary["file"] = f.string();
    if (as_json) {
      out.push_back(summary);
    } else {
      std::cout << Pad(p->id, 20) << Pad(std::string(policy::ModeName(p->mode)), 19)
                << Pad(p->pool ? p->pool->amount_per_year.FormatYuan() : "-", 17)
                << Pad(std::to_string(p->assumptions.size()) + " assumed", 11) << p->city << "  "
                << p->name << "\n";
    }
  }
  if (as_json) std::cout << policy::PrettyJson(out);
  return rc;
}

int ShowProgram(const std::string& path) {
  auto p = policy::LoadProgramFile(path);
  if (!p.ok()) {
    std::cerr << boost::json::serialize(policy::ErrorToJson(p.error())) << "\n";
    return 2;
  }
  std::cout << policy::ProgramToText(*p);
  return 0;
}

}  // namespace

void RegisterProgramsCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("programs", "List and validate the program files");
  auto dir = std::make_shared<std::string>("programs");
  auto as_json = std::make_shared<bool>(false);
  cmd->add_option("--dir", *dir, "folder of program files")->capture_default_str();
  cmd->add_flag("--json", *as_json, "print the list as JSON");
  auto* show = cmd->add_subcommand("show", "Print one program's rules with their clauses");
  auto file = std::make_shared<std::string>();
  show->add_option("file", *file, "program file")->required();
  cmd->require_subcommand(0, 1);
  show->callback([=] { *exit_code = ShowProgram(*file); });
  cmd->callback([=] {
    if (!show->parsed()) *exit_code = ListPrograms(*dir, *as_json);
  });
}

}  // namespace suanli::cli
