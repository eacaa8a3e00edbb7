import { rollup } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import { minify } from 'terser';
import { gzipSync } from 'node:zlib';
import fs from 'node:fs';
const src = fs.readFileSync('rollup.config.mjs', 'utf8');
const props = JSON.parse(src.match(/const LOADER_ONLY_PROPERTIES = (\[.*?\]);/)[1].replace(/'/g, '"'));
const b = await rollup({ input: 'src/client/loader.ts', plugins: [typescript({ tsconfig: './tsconfig.json', include: ['src/**/*.ts'], compilerOptions: { noEmit: false } })], onwarn() {} });
const { output } = await b.generate({ format: 'iife' });
const code0 = output[0].code;
fs.writeFileSync('/tmp/b/unmin.js', code0);
const variants = JSON.parse(process.argv[2] || '[{}]');
for (const v of variants) {
  const r = await minify(code0, { ecma: 2022, compress: { passes: 3, ecma: 2022, unsafe: true, unsafe_methods: true, ...v.compress }, mangle: { properties: { regex: new RegExp(`^(${props.join('|')})$`), keep_quoted: 'strict' }, ...v.mangle }, ...v.top });
  console.log(JSON.stringify(v), r.code.length, gzipSync(Buffer.from(r.code), { level: 9 }).length);
  if (v.out) fs.writeFileSync(v.out, r.code);
}
