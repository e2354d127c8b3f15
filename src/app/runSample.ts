import { runComparePhoto, runPhoto } from '../store/actions';
import { useAppStore } from '../store/store';
import { SAMPLES, sampleUrl, type Sample } from './samples';

async function fetchSample(sample: Sample): Promise<Blob | null> {
  try {
    const response = await fetch(sampleUrl(sample));
    if (!response.ok) throw new Error(`${response.status}`);
    return await response.blob();
  } catch (e) {
    useAppStore.setState({ photoError: `Could not load the sample "${sample.title}": ${e instanceof Error ? e.message : String(e)}` });
    return null;
  }
}

/** Runs a bundled sample as the main photo (remembering its id, so it can travel in a link). */
export async function runSample(sample: Sample, slot: 'main' | 'compare' = 'main'): Promise<void> {
  const blob = await fetchSample(sample);
  if (!blob) return;
  if (slot === 'main') await runPhoto(blob, sample.file, null, sample.id);
  else await runComparePhoto(blob, sample.file, sample.id);
}

export function sampleById(id: string): Sample | undefined {
  return SAMPLES.find((s) => s.id === id);
}
