import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import * as Icons from '@element-plus/icons-vue'
import App from './App.vue'
import { makeI18n, applyLocale } from './i18n'
import { makeRouter } from './router'
import { setUnauthorizedHandler } from './api/client'
import { useSessionStore } from './stores/session'
import './styles.css'

const app = createApp(App)
const pinia = createPinia()
const i18n = makeI18n()
const router = makeRouter(pinia)

app.use(pinia).use(i18n).use(router).use(ElementPlus)
for (const [name, comp] of Object.entries(Icons)) app.component(name, comp)
applyLocale(i18n.global.locale, i18n.global.locale.value as 'zh-CN' | 'en')

// Any call that finds the session gone sends the user to the login page, then back.
setUnauthorizedHandler(() => {
  useSessionStore(pinia).forget()
  const here = router.currentRoute.value
  if (here.name !== 'login') void router.push({ name: 'login', query: { redirect: here.fullPath } })
})

app.mount('#app')
