/**
 * Start-up: read what the link asks for, load the model index, then the model: a Hugging
 * Face link or a foreign model URL first (from Cache Storage when it was loaded before),
 * else the bundled model the link names or the index's default. A foreign model that
 * cannot be loaded leaves its error shown over the default model.
 */
import { errorText } from '../app/errorText';
import { decodeStartup } from '../app/urlState';
import { loadHubLinkValue } from './hubActions';
import { absoluteUrl, bundledManifestUrl, fetchJson, INDEX_URL, loadForeignModel, loadModel, recoverFromCrash } from './modelActions';
import { useAppStore } from './store';
import type { ModelEntry } from './types';
import { onWorkerRestart } from './workerClient';

export async function initApp(search: string = location.search): Promise<void> {
  // A worker that dies is replaced by the client; the model and photos come back here.
  onWorkerRestart((reason) => void recoverFromCrash(reason));
  const request = decodeStartup(search, document.baseURI);
  useAppStore.setState({ backendChoice: request.backend });
  let entries: ModelEntry[];
  let defaultId: string | undefined;
  try {
    const index = (await fetchJson(absoluteUrl(INDEX_URL), 'model index')) as { models?: ModelEntry[]; default?: string };
    entries = Array.isArray(index.models) ? index.models : [];
    defaultId = index.default;
  } catch (e) {
    useAppStore.setState({ status: 'error', modelError: errorText(e) });
    return;
  }
  useAppStore.setState({ models: entries });
  const entry = entries.find((m) => m.id === request.modelId) ?? entries.find((m) => m.id === defaultId) ?? entries[0];
  if (request.model?.kind === 'hub') {
    await loadHubLinkValue(request.model.link);
    if (useAppStore.getState().model) return;
  } else if (request.model?.kind === 'url') {
    await loadForeignModel({ kind: 'url', url: request.model.url, cache: true });
    if (useAppStore.getState().model) return;
  }
  if (!entry) {
    useAppStore.setState({ status: 'error', modelError: 'The model index lists no models.' });
    return;
  }
  const foreignError = useAppStore.getState().modelError;
  await loadModel(bundledManifestUrl(entry));
  if (foreignError) useAppStore.setState({ modelError: foreignError });
}
