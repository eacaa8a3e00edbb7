import { signIdentity } from 'chatq/sign';

// Who the visitor is comes from your login. Here a `user` cookie stands in for it.
export async function chatqToken(req, res) {
  const user = /(?:^|;\s*)user=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (!user) return res.writeHead(401).end();
  const jwt = await signIdentity(
    { uuid: user, firstname: user },
    { kid: 'site_2026', secret: process.env.CHATQ_HS256_SECRET, lifetime: '2h' },
  );
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ jwt }));
}
