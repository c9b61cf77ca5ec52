import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { LiveProvider } from './live/index.ts';
import { Providers } from './providers.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Providers>
      <LiveProvider>
        <App />
      </LiveProvider>
    </Providers>
  </StrictMode>,
);
