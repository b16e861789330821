// A program's rules as readable text, each line with the clause that states it and a mark on
// assumed rules: what `suanli programs show` prints for officers and applicants.
#pragma once

#include <string>
#include <vector>

#include "policy/program.h"

namespace suanli::policy {

std::string ProgramToText(const Program& p);

// The same rules as data, for the console: one entry per rule, in the order of the text.
struct TextRule {
  std::string section;  // "Applicant", "Grant", ... ("Program" for the mode)
  std::string text;
  std::string clause;
  bool assumed = false;
  std::string note;
};
std::vector<TextRule> ProgramToRules(const Program& p);

}  // namespace suanli::policy
