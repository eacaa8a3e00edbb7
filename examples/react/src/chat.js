// One messenger for the whole app, made outside any component so renders and route changes keep it.
import { createMessenger } from 'chatq';

async function token() {
  const response = await fetch('/api/chatq-token');
  if (!response.ok) throw new Error('not signed in');
  return (await response.json()).jwt;
}

// A hot reload runs this module again: the page keeps its one messenger (a second would be a second widget).
const shared = Symbol.for('chatq.messenger');
if (!globalThis[shared]) {
  globalThis[shared] = createMessenger({ server: new URL('/chatq', location.href).href, getToken: token });
  token().then((jwt) => globalThis[shared].setIdentity(jwt), () => {}); // already signed in (a page reload)
}
export const chat = globalThis[shared];

export async function signIn(user) {
  document.cookie = `user=${user}; path=/`; // stands in for your login
  await chat.setIdentity(await token()); // another user than before: the widget switches conversations
}

export function signOut() {
  document.cookie = 'user=; path=/; max-age=0';
  chat.clearIdentity(); // forgets the visitor, the session and the messages
}
