import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { initApp } from './store/actions';
import { startServiceWorker } from './offline/register';
import { startUrlSync } from './app/urlSync';
import { installDebugHook } from './app/debugHook';
import './styles.css';
import { loadThemePreference, startTheme } from './app/theme';

startTheme(() => loadThemePreference(globalThis.localStorage ?? null));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

startUrlSync();
installDebugHook(location.search);
void initApp();
void startServiceWorker();
