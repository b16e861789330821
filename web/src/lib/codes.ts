// Unified Social Credit Code (统一社会信用代码, GB 32100-2015) check, the same rule as
// src/core/codes.cc, so the form says "wrong check character" before the server has to.

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export type UsccError = 'length' | 'character' | 'division' | 'check'

/** null when `code` is a valid USCC, else why not. */
export function usccError(code: string): UsccError | null {
  if (code.length !== 18) return 'length'
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(code[i])
    if (v < 0) return 'character'
    if (i >= 2 && i <= 7 && v > 9) return 'division'
    sum += v * WEIGHTS[i]
  }
  return code[17] === ALPHABET[(31 - (sum % 31)) % 31] ? null : 'check'
}
