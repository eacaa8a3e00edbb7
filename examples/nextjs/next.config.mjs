/** @type {import('next').NextConfig} */
export default {
  serverExternalPackages: ['chatq'], // loaded by Node at run time, not bundled
};
