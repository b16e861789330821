import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import JobSubmitForm from './JobSubmitForm.vue'
import { mountWith, stubFetch } from '@/test/mount'
import type { Center } from '@/api/network'

// The job submission form: checks while typing (and not on a fresh form), nothing sent while
// wrong, the POST /jobs body with the API's own field names, and a server refusal (422 with
// `field`) shown on its form item in the user's language.

let w: VueWrapper | null = null
afterEach(() => {
  w?.unmount()
  w = null
})

const centerB: Center = {
  id: 2, provider_id: 2, name: '成都智算中心', kind: 'intelligent', region: '成都', latency_class: 'metro', slurm_cluster: 'center-b',
  partitions: [{ name: 'ascend', billing_mode: 'shared', nodes: 120, cpu_model: 'Kunpeng 920', cores_per_node: 192, memory_gb_per_node: 1024,
    accelerator: { model: 'Ascend 910B', per_node: 8, memory_gb: 64, domestic: true, gres: 'npu' } }],
  software: [{ name: 'PyTorch', version: '2.1.0' }, { name: 'MindSpore', version: '2.2' }],
  cards: 960, cores: 23040, created_at: '2024-03-15T09:00:00+08:00', retired_at: null,
  prices_in_force: [{ partition: 'ascend', unit: 'card_hour', price: '12.00', effective_from: '2024-01-01', billing_weights: '' }],
}

async function settle() {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 150))
}
async function errorOf(test: string) {
  await settle()
  return w!.get(`[data-test=${test}]`).element.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}
async function type(test: string, value: string) {
  await w!.get(`[data-test=${test}]`).setValue(value)
}
async function pick(index: number, value: unknown) {
  const sel = w!.findAllComponents({ name: 'ElSelect' })[index]
  sel.vm.$emit('update:modelValue', value)
  sel.vm.$emit('change', value)
  await settle()
}

for (const locale of ['zh-CN', 'en'] as const) {
  const L = (zh: string, en: string) => (locale === 'en' ? en : zh)

  describe(`JobSubmitForm (${locale})`, () => {
    it('says nothing on a fresh form, then checks each field as it is typed', async () => {
      w = mountWith(JobSubmitForm, locale, { props: { centers: [centerB] } })
      await settle()
      expect(w.findAll('.el-form-item__error')).toHaveLength(0)

      await type('job-units', '0')
      expect(await errorOf('job-units')).toBe(L('数量应在 1–100000 之间', 'Between 1 and 100000'))
      await type('job-units', '8.5')
      expect(await errorOf('job-units')).toBe(L('请输入整数', 'Enter a whole number'))
      await type('job-units', '8')
      expect(await errorOf('job-units')).toBe('')

      await type('job-version', '2.1')
      expect(await errorOf('job-version')).toBe(L('填写最低版本前请先填写框架', 'Name the framework before its minimum version'))
      await pick(1, 'PyTorch')
      await type('job-version', '2.x')
      expect(await errorOf('job-version')).toBe(L('版本号应为最多三段数字(每段 0–1023),例如 2.1.0', 'Up to three numbers 0–1023 separated by dots, e.g. 2.1.0'))
      await type('job-version', '2.1.0')
      expect(await errorOf('job-version')).toBe('')

      await type('job-time', '50000')
      expect(await errorOf('job-time')).toBe(L('时限应在 1–43200 分钟之间', 'Between 1 and 43200 minutes'))
      await type('job-max-price', '12.345')
      expect(await errorOf('job-max-price')).toBe(L('金额最多保留两位小数(精确到分)', 'At most two decimals (to the fen)'))
      await type('job-max-price', '-1')
      expect(await errorOf('job-max-price')).not.toBe('')
      await type('job-region', '乌兰察布乌兰察布乌兰察布')
      expect(await errorOf('job-region')).toBe(L('最多 24 个字节(一个汉字占 3 个字节)', 'At most 24 bytes (a Chinese character takes 3)'))
      await type('job-deadline', '2024-02-30 18:00')
      expect(await errorOf('job-deadline')).toBe(L('请按 YYYY-MM-DD HH:mm 填写北京时间', 'Type the CST time as YYYY-MM-DD HH:mm'))
      await type('job-script', 'python train.py')
      expect(await errorOf('job-script')).toBe(L('脚本第一行须以 #! 开头,例如 #!/bin/bash', 'The script must start with #!, e.g. #!/bin/bash'))
    })

    it('sends nothing while a required field is missing', async () => {
      const calls = stubFetch(() => ({ status: 201, body: {} }))
      w = mountWith(JobSubmitForm, locale, { props: { centers: [centerB] } })
      await w.get('form').trigger('submit')
      expect(await errorOf('job-resource')).toBe(L('必填', 'Required'))
      expect(await errorOf('job-units')).toBe(L('必填', 'Required'))
      expect(calls).toHaveLength(0)
    })

    it("posts the API's fields (time_limit_s in seconds, deadline in +08:00, max_price to the fen) and emits the placed job", async () => {
      const job = { id: 1, org_id: 1, resource_type: 'npu', units: 8, state: 'submitted', center_id: 2, slurm_job_id: '1001',
        placement: [], attempts: [], created_at: '2024-03-15T09:00:00+08:00' }
      const calls = stubFetch(() => ({ status: 201, body: job }))
      w = mountWith(JobSubmitForm, locale, { props: { centers: [centerB] } })
      expect(w.findAllComponents({ name: 'ElSelect' })[0].props('modelValue')).toBe('')
      await pick(0, 'npu')
      await type('job-units', '8')
      await pick(1, 'PyTorch')
      await type('job-version', '2.1')
      await type('job-time', '90')
      await type('job-region', '成都')
      await type('job-max-price', '15')
      await type('job-deadline', '2024-03-20 18:00')
      await w.get('[data-test=job-domestic]').trigger('click')
      await w.get('form').trigger('submit')
      await settle()
      expect(calls).toHaveLength(1)
      expect(calls[0].url).toBe('/api/v1/jobs')
      expect(calls[0].init.method).toBe('POST')
      expect(JSON.parse(String(calls[0].init.body))).toEqual({
        resource_type: 'npu', units: 8, framework: 'PyTorch', framework_version_min: '2.1', time_limit_s: 5400, data_region: '成都',
        max_price: '15.00', domestic_only: true, deadline: '2024-03-20T18:00:00+08:00', script: '#!/bin/bash\nsrun python train.py\n',
      })
      expect(w.emitted('placed')?.[0]).toEqual([job])
    })

    it('shows a server refusal naming a field on that form item, in the language of the page', async () => {
      stubFetch(() => ({
        status: 422,
        body: { type: 'https://suanli.dev/problems/out_of_range', title: 'out_of_range', status: 422, detail: '1 to 100000', code: 104, field: 'units' },
      }))
      w = mountWith(JobSubmitForm, locale, { props: { centers: [centerB] } })
      await pick(0, 'npu')
      await type('job-units', '8')
      await w.get('form').trigger('submit')
      await settle()
      const expected = L('数值超出允许范围', 'A number is outside its allowed range')
      expect(await errorOf('job-units')).toBe(expected)
      expect(w.get('[data-test=problem]').text()).toContain(expected)
      expect(w.emitted('placed')).toBeUndefined()
    })
  })
}
