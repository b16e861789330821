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

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

export type ResidentIdError = 'length' | 'character' | 'check'

/** Resident identity number (居民身份证号, GB 11643): null when valid, else why not. */
export function residentIdError(id: string): ResidentIdError | null {
  if (id.length !== 18) return 'length'
  if (!/^\d{17}[\dX]$/.test(id)) return 'character'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i]
  return id[17] === ID_CHECK[sum % 11] ? null : 'check'
}

/** A calendar quarter as the API writes it: 2024Q2. */
export const isQuarter = (s: string): boolean => /^\d{4}Q[1-4]$/.test(s)
