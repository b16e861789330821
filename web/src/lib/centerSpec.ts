// The register-a-center form's model and the spec it sends (docs/network.md, parsed strictly by
// network::ParseCenterSpec on the server, which names the faulty field's path), and the
// edit-a-center form's (ParseCenterEdit: the descriptive fields only). The forms keep what
// people type; the JSON mode sends the textarea as is after a local JSON.parse check.
import type { Center, CenterEdit, CenterSpec, Partition, Software } from '@/api/network'

export interface PartitionForm {
  name: string
  billing_mode: 'shared' | 'exclusive'
  nodes: number
  cpu_model: string
  cores_per_node: number
  memory_gb_per_node: number
  has_accelerator: boolean
  acc_model: string
  acc_per_node: number
  acc_memory_gb: number
  acc_domestic: boolean
  acc_gres: string
}
export interface CenterForm {
  name: string
  kind: 'supercomputing' | 'intelligent'
  region: string
  latency_class: 'metro' | 'province' | 'national'
  slurm_cluster: string
  partitions: PartitionForm[]
  /** One "name version" per line. */
  software: string
}

export const emptyPartition = (): PartitionForm => ({
  name: '', billing_mode: 'shared', nodes: 1, cpu_model: '', cores_per_node: 64, memory_gb_per_node: 256,
  has_accelerator: true, acc_model: '', acc_per_node: 8, acc_memory_gb: 64, acc_domestic: true, acc_gres: 'npu',
})
export const emptyCenterForm = (): CenterForm => ({
  name: '', kind: 'intelligent', region: '', latency_class: 'metro', slurm_cluster: '', partitions: [emptyPartition()], software: '',
})

export function specFromForm(f: CenterForm): CenterSpec {
  const partitions: Partition[] = f.partitions.map((p) => {
    const out: Partition = {
      name: p.name.trim(), billing_mode: p.billing_mode, nodes: p.nodes, cpu_model: p.cpu_model.trim(),
      cores_per_node: p.cores_per_node, memory_gb_per_node: p.memory_gb_per_node,
    }
    if (p.has_accelerator) {
      out.accelerator = { model: p.acc_model.trim(), per_node: p.acc_per_node, memory_gb: p.acc_memory_gb, domestic: p.acc_domestic, gres: p.acc_gres.trim() }
    }
    return out
  })
  const software = parseSoftwareLines(f.software)
  return { name: f.name.trim(), kind: f.kind, region: f.region.trim(), latency_class: f.latency_class, slurm_cluster: f.slurm_cluster.trim(), partitions, software }
}

/** "PyTorch 2.1.0" per line → [{name, version}]: the version is the last word (a name may have spaces). */
export function parseSoftwareLines(text: string): Software[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const i = l.lastIndexOf(' ')
      return i > 0 ? { name: l.slice(0, i).trim(), version: l.slice(i + 1).trim() } : { name: l, version: '' }
    })
}
export const softwareLines = (software: Software[]) => software.map((s) => `${s.name} ${s.version}`).join('\n')

/** What an edit of a registered center may change (PATCH /centers/{id}), as typed. */
export interface CenterEditForm {
  name: string
  kind: string
  region: string
  latency_class: string
  /** One "name version" per line. */
  software: string
}
export const centerEditForm = (c: Center): CenterEditForm => ({
  name: c.name, kind: c.kind, region: c.region, latency_class: c.latency_class, software: softwareLines(c.software),
})
/** The PATCH body: every editable field (the server records only those that changed). */
export const centerEdit = (f: CenterEditForm): CenterEdit => ({
  name: f.name.trim(), kind: f.kind, region: f.region.trim(), latency_class: f.latency_class, software: parseSoftwareLines(f.software),
})

/** The JSON textarea's text as an object, or the parser's message. */
export function parseSpecText(text: string): { ok: true; spec: unknown } | { ok: false; message: string } {
  try {
    const spec = JSON.parse(text)
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return { ok: false, message: 'not an object' }
    return { ok: true, spec }
  } catch (e) {
    return { ok: false, message: (e as Error).message }
  }
}

export const EXAMPLE_SPEC = JSON.stringify(
  {
    name: '示例智算中心', kind: 'intelligent', region: '成都', latency_class: 'metro', slurm_cluster: 'center-x',
    partitions: [
      {
        name: 'ascend', billing_mode: 'shared', nodes: 16, cpu_model: 'Kunpeng 920', cores_per_node: 192, memory_gb_per_node: 1024,
        accelerator: { model: 'Ascend 910B', per_node: 8, memory_gb: 64, domestic: true, gres: 'npu' },
      },
    ],
    software: [{ name: 'PyTorch', version: '2.1.0' }, { name: 'MindSpore', version: '2.2' }],
  },
  null,
  2,
)
