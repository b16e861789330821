// The redemption summary table (兑现汇总表) of a claim as an XLSX workbook, written with
// libxlsxwriter. Amount cells are numbers (officers sum and filter them): each holds the double
// nearest the exact decimal, shown with two decimals, which is exact to the fen below 2^53 fen;
// the total row is computed in integer fen here, never by a spreadsheet formula.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "workflow/records.h"

namespace suanli::api {

Result<std::string> ClaimSummaryXlsx(const workflow::Claim& claim,
                                     const std::vector<workflow::ClaimSummaryRow>& rows,
                                     const std::string& provider_name);

}  // namespace suanli::api
