export function checkSite(dist: string, options?: { expectTrainedDefault?: boolean }): string[];
