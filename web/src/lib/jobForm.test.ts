import { describe, expect, it } from 'vitest'
import { maxCostFen } from './jobForm'

// The server's rule (src/workflow/job_routing.h MaxCostFen, tested to the same figures in
// platform_jobs_test.cc and tests/http/jobs_test.py): price × units × the time limit in whole
// minutes (rounded up, as Slurm is asked) ÷ 60, rounded up to the fen.
describe('maxCostFen', () => {
  it('rounds the time limit up to whole minutes and the amount up to the fen', () => {
    expect(maxCostFen(1000n, 1, 90 * 60 + 1)).toBe(1517n) // 10.00 × 91 min ÷ 60 = 15.1666…
    expect(maxCostFen(1000n, 3, 91 * 60)).toBe(4550n) // exact
    expect(maxCostFen(1200n, 8, 7200)).toBe(19200n) // jobs_test.py's ¥192.00
    expect(maxCostFen(600n, 4, 7200)).toBe(4800n)
    expect(maxCostFen(1n, 1, 1)).toBe(1n) // a fen for a minute's worth of a fen an hour
  })
  it('stays exact where a Number would not', () => {
    // ¥10,000.00 an hour × 100,000 units × 30 days (720 h): 7.2·10^13 fen, above 2^53 / 1000.
    expect(maxCostFen(1_000_000n, 100_000, 30 * 24 * 3600)).toBe(72_000_000_000_000n)
  })
})
