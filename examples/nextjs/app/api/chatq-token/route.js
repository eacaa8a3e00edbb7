// The signed identity of the visitor your login knows; a `user` cookie stands in for it here.
import { cookies } from 'next/headers';
import { signIdentity } from 'chatq/sign';

export const dynamic = 'force-dynamic'; // one token per visitor and request: never prerendered

export async function GET() {
  const user = (await cookies()).get('user')?.value;
  if (!user) return Response.json({ error: 'not signed in' }, { status: 401 });
  const jwt = await signIdentity({ uuid: user }, { kid: 'site_2026', secret: process.env.CHATQ_HS256_SECRET, lifetime: '2h' });
  return Response.json({ jwt }, { headers: { 'Cache-Control': 'no-store' } });
}
