// A center's price list as people read it: per partition and unit, the entry in force on a CST
// day is the latest whose effective_from is on or before it; later entries are upcoming and
// earlier ones superseded (entries are never edited — docs/network.md).
import type { Price } from '@/api/network'

export type PriceState = 'in_force' | 'superseded' | 'future'

export function priceStates(prices: Price[], today: string): Map<number, PriceState> {
  const out = new Map<number, PriceState>()
  const inForce = new Map<string, Price>()
  for (const p of prices) {
    if (p.effective_from > today) continue
    const k = `${p.partition}\u0000${p.unit}`
    const cur = inForce.get(k)
    if (!cur || p.effective_from > cur.effective_from || (p.effective_from === cur.effective_from && p.id > cur.id)) inForce.set(k, p)
  }
  const live = new Set([...inForce.values()].map((p) => p.id))
  for (const p of prices) out.set(p.id, p.effective_from > today ? 'future' : live.has(p.id) ? 'in_force' : 'superseded')
  return out
}
