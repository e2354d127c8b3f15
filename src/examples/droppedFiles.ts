/**
 * Every file of a drop, folders read through (recursively): a dropped folder of photos is
 * a collection. The entries must be taken during the drop event itself; reading them is async.
 */

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries hands back at most ~100 entries per call: call it until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function filesOf(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) return [await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))];
  if (!entry.isDirectory) return [];
  const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
  children.sort((a, b) => a.name.localeCompare(b.name));
  return (await Promise.all(children.map(filesOf))).flat();
}

export async function filesOfDrop(dt: DataTransfer): Promise<File[]> {
  const items = Array.from(dt.items ?? []).filter((i) => i.kind === 'file');
  const entries = items.map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null));
  const plain = items.map((i) => i.getAsFile());
  if (items.length === 0) return Array.from(dt.files);
  const lists = await Promise.all(entries.map((e, i) => (e ? filesOf(e) : Promise.resolve(plain[i] ? [plain[i]] : []))));
  return lists.flat();
}
