import { Chat } from './chat.js';

export const metadata = { title: 'Shop' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>
        {children}
        <Chat />
      </body>
    </html>
  );
}
