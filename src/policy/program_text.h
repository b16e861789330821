// A program's rules as readable text, each line with the clause that states it and a mark on
// assumed rules: what `suanli programs show` prints for officers and applicants.
#pragma once

#include <string>

#include "policy/program.h"

namespace suanli::policy {

std::string ProgramToText(const Program& p);

}  // namespace suanli::policy
