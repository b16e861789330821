// The demo's experience draw (Nanjing, seed 002): this week's draw opened by the demo officer,
// with the demo university entered, so the console shows a draw another organisation can enter
// and the officer can run.
#include "workflow/demo.h"
#include "workflow/user_rows.h"

namespace suanli::workflow {
namespace {

// The demo account `username` as it acts once signed in.
Result<Principal> DemoPrincipal(Platform& p, Role role, const std::string& username) {
  SUANLI_ASSIGN(const auto users,
                p.ListUsers(Principal::System(), Page{0, 200}, UserFilter{role, username}));
  for (const User& u : users) {
    if (u.username == username) return ToPrincipal(u);
  }
  return MakeError(ErrorCode::kNotFound, "username", "no demo account " + username);
}

}  // namespace

Status SeedDemoDraw(Platform& p, std::string_view program_id, const std::string& officer,
                    const std::string& entrant) {
  const policy::Program* program = p.FindProgram(program_id);
  if (program == nullptr || program->mode != policy::Mode::kExperienceDraw) return OkStatus();
  const Date today = p.clock().Now().CstDate();
  // Days since 1970-01-01, a Thursday: this week's Monday is (days − 4) mod 7 days back.
  const Date monday = today.AddDays(-(((today.days() - 4) % 7 + 7) % 7));
  SUANLI_ASSIGN(const Principal by, DemoPrincipal(p, Role::kOfficer, officer));
  SUANLI_ASSIGN(const Draw draw, p.OpenDraw(by, program_id, monday));
  SUANLI_ASSIGN(const Principal in, DemoPrincipal(p, Role::kApplicant, entrant));
  SUANLI_ASSIGN(const Draw entered, p.EnterDraw(in, draw.id));
  (void)entered;
  return OkStatus();
}

}  // namespace suanli::workflow
