import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { initApp } from './store/startup';
import { startServiceWorker } from './offline/register';
import { startAddressBar } from './app/addressBar';
import { installDebugHook } from './app/debugHook';
import './styles.css';
import { loadThemePreference, startTheme } from './app/theme';

startTheme(() => loadThemePreference(globalThis.localStorage ?? null));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

startAddressBar();
installDebugHook(location.search);
void initApp();
void startServiceWorker();
