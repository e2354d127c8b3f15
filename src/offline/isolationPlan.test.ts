import { describe, expect, it } from 'vitest';
import { planIsolation, type IsolationFacts } from './isolationPlan';

const headerless: IsolationFacts = {
  crossOriginIsolated: false,
  production: true,
  serviceWorkerSupported: true,
  secureContext: true,
  controlled: true,
  reloadedBefore: false,
  hasPhoto: false,
  registrationError: null,
};

describe('planIsolation', () => {
  it('does nothing on an isolated page (headers from the server or the worker)', () => {
    expect(planIsolation({ ...headerless, crossOriginIsolated: true })).toEqual({ action: 'none' });
  });
  it('reloads once when the worker controls a page that is not isolated yet', () => {
    expect(planIsolation(headerless)).toEqual({ action: 'reload' });
  });
  it('never reloads twice: a browser that ignores the worker headers gets an explanation', () => {
    const plan = planIsolation({ ...headerless, reloadedBefore: true });
    expect(plan).toMatchObject({ action: 'explain', why: expect.stringContaining('does not isolate pages on headers from a service worker') });
  });
  it('does not throw away a photo the user gave: asks for a reload instead', () => {
    expect(planIsolation({ ...headerless, hasPhoto: true })).toMatchObject({ action: 'explain', why: expect.stringContaining('reload the page to turn threads on') });
  });
  it('says the worker is still installing before it controls the page', () => {
    expect(planIsolation({ ...headerless, controlled: false })).toMatchObject({ action: 'explain', why: expect.stringContaining('being installed') });
  });
  it('names each reason threads cannot be turned on', () => {
    expect(planIsolation({ ...headerless, serviceWorkerSupported: false })).toMatchObject({ why: expect.stringContaining('no service worker') });
    expect(planIsolation({ ...headerless, secureContext: false })).toMatchObject({ why: expect.stringContaining('needs HTTPS') });
    expect(planIsolation({ ...headerless, registrationError: 'sw.js 404' })).toMatchObject({ why: expect.stringContaining('could not be registered (sw.js 404)') });
    expect(planIsolation({ ...headerless, production: false })).toMatchObject({ why: expect.stringContaining('dev server') });
  });
});
