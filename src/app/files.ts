/**
 * Picks the photo out of whatever the user dropped, pasted or chose, and says
 * plainly what was done with the rest.
 */
export interface PickedPhoto {
  file: File | null;
  notice: string | null;
  error: string | null;
}

/** A photo by its type or, when the browser gives none, by its name. */
export function isImageFile(file: File): boolean {
  return file.type.startsWith('image/') || /\.(jpe?g|png|gif|webp|bmp|avif|heic|heif|tiff?)$/i.test(file.name);
}

export function pickPhoto(files: readonly File[], folders = 0): PickedPhoto {
  if (files.length === 0) {
    return {
      file: null,
      notice: null,
      error: folders > 0 ? 'A folder was dropped. Drop an image file (JPEG, PNG, WebP, GIF) instead.' : 'Nothing that looks like a file was dropped.',
    };
  }
  const image = files.find(isImageFile) ?? files[0]!;
  const others = files.length - 1 + folders;
  const notice = others > 0 ? `${files.length + folders} items were dropped; showing "${image.name}" only.` : null;
  return { file: image, notice, error: null };
}

/** Files and folder count of a drop; folders only show up through webkitGetAsEntry. */
export function filesFromDataTransfer(dt: DataTransfer): { files: File[]; folders: number } {
  const files: File[] = [];
  let folders = 0;
  if (dt.items && dt.items.length > 0) {
    for (const item of Array.from(dt.items)) {
      if (item.kind !== 'file') continue;
      const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
      if (entry?.isDirectory) {
        folders++;
        continue;
      }
      const f = item.getAsFile();
      if (f) files.push(f);
    }
    return { files, folders };
  }
  return { files: Array.from(dt.files), folders };
}
