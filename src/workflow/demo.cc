#include "workflow/demo.h"

#include "core/codes.h"

namespace suanli::workflow {

std::string WithUsccCheck(std::string_view body17) {
  for (char c : std::string_view("0123456789ABCDEFGHJKLMNPQRTUWXY")) {
    std::string code = std::string(body17) + c;
    if (ValidateUscc(code).ok()) return code;
  }
  return std::string(body17) + "?";
}

std::string WithResidentIdCheck(std::string_view body17) {
  for (char c : std::string_view("0123456789X")) {
    std::string id = std::string(body17) + c;
    if (ValidateResidentId(id).ok()) return id;
  }
  return std::string(body17) + "?";
}

Result<std::vector<DemoLogin>> SeedDemo(Platform& p) {
  std::vector<DemoLogin> logins = {
      {"admin", "admin", "平台管理员 platform admin"},
      {"officer", "officer", "市经信局 program officer"},
      {"expert1", "expert", "评审专家 expert reviewer"},
      {"expert2", "expert", "评审专家 expert reviewer"},
      {"expert3", "expert", "评审专家 expert reviewer"},
      {"auditor", "auditor", "审计 auditor"},
      {"op-hpc", "provider", "国家超算成都中心 operator"},
      {"op-ai", "provider", "成都智算中心 operator"},
      {"op-nj", "provider", "南京智能计算中心 operator"},
      {"demo-applicant", "applicant", "成都示例科技有限公司 admin"},
      {"uni-applicant", "applicant", "成都示例大学 admin"},
  };
  const auto users = p.ListUsers(Principal::System(), Page{0, 1}, UserFilter{Role::kAdmin, ""});
  if (users.ok() && !users->empty()) return logins;  // seeded before

  const Principal sys = Principal::System();
  auto user = [&](std::string name, std::string display, Role role,
                  std::optional<std::int64_t> provider = {}) -> Status {
    NewUser u;
    u.username = std::move(name);
    u.display_name = std::move(display);
    u.password = kDemoPassword;
    u.role = role;
    u.provider_id = provider;
    auto created = p.CreateUser(sys, u);
    if (!created.ok()) return created.error();
    return OkStatus();
  };
  SUANLI_TRY(user("admin", "平台管理员", Role::kAdmin));
  SUANLI_TRY(user("officer", "市经信局 张科长", Role::kOfficer));
  SUANLI_TRY(user("expert1", "专家 李教授", Role::kExpert));
  SUANLI_TRY(user("expert2", "专家 王研究员", Role::kExpert));
  SUANLI_TRY(user("expert3", "专家 赵高工", Role::kExpert));
  SUANLI_TRY(user("auditor", "审计 陈审计师", Role::kAuditor));
  SUANLI_ASSIGN(const Provider hpc, p.CreateProvider(sys, NewProvider{"国家超算成都中心",
                                                                      WithUsccCheck("12510100MB1C00001"),
                                                                      "成都"}));
  SUANLI_ASSIGN(const Provider ai, p.CreateProvider(sys, NewProvider{"成都智算中心",
                                                                     WithUsccCheck("91510100MA6CA0002"),
                                                                     "成都"}));
  SUANLI_TRY(user("op-hpc", "国家超算成都中心 运营", Role::kProvider, hpc.id));
  SUANLI_TRY(user("op-ai", "成都智算中心 运营", Role::kProvider, ai.id));
  SUANLI_TRY(SeedDemoNetwork(p, hpc.id, ai.id));
  // Nanjing's experience vouchers are used on its provider's center (seed 002).
  SUANLI_ASSIGN(const Provider nanjing,
                p.CreateProvider(sys, NewProvider{"南京智能计算中心",
                                                  WithUsccCheck("91320115MA1NJ0004"), "南京"}));
  SUANLI_TRY(user("op-nj", "南京智能计算中心 运营", Role::kProvider, nanjing.id));
  SUANLI_TRY(SeedDemoNanjingCenter(p, nanjing.id));
  NewOrg firm;
  firm.uscc = "91510100MA61R1234W";
  firm.name = "成都示例科技有限公司";
  firm.type = "enterprise";
  firm.region = "成都";
  firm.industry = "artificial_intelligence";
  firm.legal_rep_name = "刘示例";
  firm.legal_rep_id = WithResidentIdCheck("51010719800101123");
  firm.prior_year_revenue_fen = 12'000'000'00;
  firm.admin_username = "demo-applicant";
  firm.admin_password = kDemoPassword;
  SUANLI_ASSIGN(const Org firm_org, p.RegisterOrg(firm));
  NewOrg uni = firm;
  uni.uscc = WithUsccCheck("12510000MB0U00003");
  uni.name = "成都示例大学";
  uni.type = "university";
  uni.industry = "education";
  uni.legal_rep_name = "周校长";
  uni.prior_year_revenue_fen = 900'000'000'00;
  uni.admin_username = "uni-applicant";
  SUANLI_ASSIGN(const Org uni_org, p.RegisterOrg(uni));
  SUANLI_TRY(SeedDemoAccounts(p, firm_org.id, uni_org.id));
  // Nanjing's weekly experience draw (seed 002): open, the university entered; the firm's
  // applicant can enter it and the officer run it in the console.
  SUANLI_TRY(SeedDemoDraw(p, "nanjing-experience", "officer", "uni-applicant"));
  return logins;
}

}  // namespace suanli::workflow
