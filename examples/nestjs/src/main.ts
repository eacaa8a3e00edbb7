// NestJS on Express: chatq is Express middleware, mounted before Nest's routes.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { toNodeListener } from 'chatq/node';
import { AppModule } from './app.module.js';
import { handler } from './chatq.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.use(toNodeListener(handler)); // answers /chatq/…, passes everything else on
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
}
void bootstrap();
