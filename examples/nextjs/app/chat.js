'use client';
// The snippet as a client component: loads the widget once and keeps its identity fresh.
import { useEffect } from 'react';

export function Chat() {
  useEffect(() => {
    const queue = (window._chatq ??= []);
    const signIn = () =>
      fetch('/api/chatq-token').then((response) => response.ok && response.json().then(({ jwt }) => queue.push(['_setSignedIdentity', jwt])));
    signIn();
    queue.push(['_onEvent', 'identity_expiring', signIn]);
    if (document.querySelector('script[src="/chatq/loader.js"]')) return;
    const script = document.createElement('script');
    script.async = true;
    script.referrerPolicy = 'origin';
    script.src = '/chatq/loader.js';
    document.head.appendChild(script);
  }, []);
  return null;
}
