// The weekly draw's calendar and its replay, as the server counts them (src/workflow/draws.cc):
// a week is named by its CST Monday; the replay is `suanli draw` on the entrant file the server
// serves with the revealed seed.

/** Days since 1970-01-01 of a "YYYY-MM-DD" day, or null when it is not a real day. */
function epochDays(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  const d = new Date(ms)
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return null
  return ms / 86_400_000
}

const fromEpochDays = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10)

/** 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday); null for no real day. */
export function weekdayIndex(day: string): number | null {
  const d = epochDays(day)
  return d === null ? null : (((d - 4) % 7) + 7) % 7
}

export const isMonday = (day: string) => weekdayIndex(day) === 0

/** The Monday of the week holding `day` ("2024-03-15" → "2024-03-11"); null for no real day. */
export function mondayOf(day: string): string | null {
  const d = epochDays(day)
  const i = weekdayIndex(day)
  return d === null || i === null ? null : fromEpochDays(d - i)
}

/** The file name the console suggests for a draw's entrant file. */
export const entrantsFileName = (drawId: number) => `draw-${drawId}-entrants.txt`

/**
 * The command that replays a draw from a clone of the repository: the program's file, the
 * entrant file downloaded beside it, the revealed seed.
 */
export function replayCommand(programId: string, drawId: number, seed: string): string {
  return `suanli draw --program programs/${programId}.toml --entrants ${entrantsFileName(drawId)} --seed ${seed}`
}
