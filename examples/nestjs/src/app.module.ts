// The token endpoint and the page, as Nest controllers.
import { Controller, Get, Header, Headers, Module, UnauthorizedException } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signIdentity } from 'chatq/sign';
import { secret } from './chatq.js';

const page = readFileSync(join(__dirname, '..', 'public', 'index.html'), 'utf8');

@Controller()
export class ChatqController {
  // Your login decides who the visitor is; a `user` cookie stands in for it here.
  @Get('api/chatq-token')
  @Header('Cache-Control', 'no-store')
  async token(@Headers('cookie') cookie = ''): Promise<{ jwt: string }> {
    const user = /(?:^|;\s*)user=([\w-]+)/.exec(cookie)?.[1];
    if (!user) throw new UnauthorizedException('not signed in');
    return { jwt: await signIdentity({ uuid: user }, { kid: 'site_2026', secret, lifetime: '2h' }) };
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return page;
  }
}

@Module({ controllers: [ChatqController] })
export class AppModule {}
