/** examples/react: React 19, react-router, Vite; see spa.ts for what the visitor does. */
import { describeSpa } from './spa.js';

describeSpa('react', 'src/chat.js');
