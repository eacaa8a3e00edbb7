/** examples/vue: Vue 3, vue-router, Vite; see spa.ts for what the visitor does. */
import { describeSpa } from './spa.js';

describeSpa('vue', 'src/chat.js');
