import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import LoginView from './LoginView.vue'
import { mountWith, stubFetch } from '@/test/mount'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('LoginView', () => {
  it('a wrong password (401, code 300 unauthenticated) reads "wrong username or password", not "session expired"', async () => {
    stubFetch(() => ({
      status: 401,
      body: { type: 'https://suanli.dev/problems/unauthenticated', title: 'unauthenticated', status: 401, detail: 'wrong username or password', code: 300 },
    }))
    const router = createRouter({ history: createMemoryHistory(), routes: [
      { path: '/', component: { template: '<div />' } }, { path: '/login', component: LoginView }, { path: '/register', component: { template: '<div />' } },
    ] })
    await router.push('/login')
    wrapper = mountWith(LoginView, 'zh-CN', { global: { plugins: [router] } })
    await wrapper.get('[data-test=username]').setValue('li')
    await wrapper.get('[data-test=password]').setValue('wrong')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const alert = wrapper.get('[data-test=problem]').text()
    expect(alert).toContain('用户名或密码不正确')
    expect(alert).not.toContain('登录已失效')
  })
})
