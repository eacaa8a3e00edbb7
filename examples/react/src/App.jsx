import { useEffect } from 'react';
import { Link, Route, Routes, useLocation } from 'react-router';
import { chat, signIn, signOut } from './chat.js';

export function App() {
  const { pathname } = useLocation();
  useEffect(() => chat.pageChange(), [pathname]); // the agent sees which page the visitor is on

  return (
    <>
      <nav>
        <Link to="/">Home</Link> <Link to="/orders">Orders</Link>{' '}
        <button onClick={() => signIn('ada')}>Sign in as Ada</button>{' '}
        <button onClick={() => signIn('grace')}>Sign in as Grace</button>{' '}
        <button onClick={signOut}>Log out</button>
      </nav>
      <Routes>
        <Route path="/" element={<h1>Home</h1>} />
        <Route path="/orders" element={<h1>Orders</h1>} />
      </Routes>
    </>
  );
}
