#include "api/xlsx_export.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <xlsxwriter.h>

#include "api/json_io.h"
#include "security/token.h"

namespace suanli::api {
namespace {

// The exact decimal string parsed to the nearest double (strtod rounds correctly).
double YuanCell(std::int64_t fen) { return std::strtod(MoneyString(fen).c_str(), nullptr); }

}  // namespace

Result<std::string> ClaimSummaryXlsx(const workflow::Claim& claim,
                                     const std::vector<workflow::ClaimSummaryRow>& rows,
                                     const std::string& provider_name) {
  // libxlsxwriter 1.1.4 writes only to a file: a private temporary one, removed afterwards.
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("suanli-" + security::NewToken(16) + ".xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return MakeError(ErrorCode::kIo, "xlsx", "cannot create the workbook");
  lxw_worksheet* ws = workbook_add_worksheet(wb, "兑现汇总表");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00");
  lxw_format* money_bold = workbook_add_format(wb);
  format_set_num_format(money_bold, "#,##0.00");
  format_set_bold(money_bold);
  worksheet_write_string(ws, 0, 0, ("算力券兑现汇总表 — " + provider_name + " " + claim.period +
                                    " (兑付申请 #" + std::to_string(claim.id) + ")").c_str(), bold);
  const char* headers[] = {"序号", "企业名称", "统一社会信用代码", "合同编号", "账单号",
                           "结算时间", "账单金额(元)", "算力券抵扣金额(元)"};
  for (lxw_col_t c = 0; c < 8; ++c) worksheet_write_string(ws, 2, c, headers[c], bold);
  std::int64_t bills = 0, deductions = 0;
  lxw_row_t r = 3;
  for (const auto& row : rows) {
    worksheet_write_number(ws, r, 0, static_cast<double>(r - 2), nullptr);
    worksheet_write_string(ws, r, 1, row.org_name.c_str(), nullptr);
    worksheet_write_string(ws, r, 2, row.org_uscc.c_str(), nullptr);
    worksheet_write_string(ws, r, 3, row.contract_no.c_str(), nullptr);
    worksheet_write_string(ws, r, 4, row.bill_no.c_str(), nullptr);
    worksheet_write_string(ws, r, 5, TimeString(row.at).c_str(), nullptr);
    worksheet_write_number(ws, r, 6, YuanCell(row.bill_fen), money);
    worksheet_write_number(ws, r, 7, YuanCell(row.deduction_fen), money);
    bills += row.bill_fen;
    deductions += row.deduction_fen;
    ++r;
  }
  worksheet_write_string(ws, r, 5, "合计", bold);
  worksheet_write_number(ws, r, 6, YuanCell(bills), money_bold);
  worksheet_write_number(ws, r, 7, YuanCell(deductions), money_bold);
  worksheet_set_column(ws, 1, 1, 28, nullptr);
  worksheet_set_column(ws, 2, 5, 22, nullptr);
  worksheet_set_column(ws, 6, 7, 18, nullptr);
  if (workbook_close(wb) != LXW_NO_ERROR) {
    std::filesystem::remove(path);
    return MakeError(ErrorCode::kIo, "xlsx", "cannot write the workbook");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  return bytes;
}

}  // namespace suanli::api
