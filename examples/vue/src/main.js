import { createApp, h } from 'vue';
import { createRouter, createWebHistory } from 'vue-router';
import App from './App.vue';

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: { render: () => h('h1', 'Home') } },
    { path: '/orders', component: { render: () => h('h1', 'Orders') } },
  ],
});

createApp(App).use(router).mount('#app');
