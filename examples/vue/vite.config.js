import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const api = `http://127.0.0.1:${process.env.API_PORT ?? 3001}`;

export default defineConfig({
  plugins: [vue()],
  server: {
    port: Number(process.env.PORT ?? 5173),
    host: '127.0.0.1',
    strictPort: true,
    proxy: { '/chatq': api, '/api': api },
  },
});
