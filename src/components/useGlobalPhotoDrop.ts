import { useEffect, useState } from 'react';
import { filesFromDataTransfer, pickPhoto } from '../app/files';
import { acceptCheckpointFiles } from '../store/checkpointActions';
import { acceptModelFiles } from '../store/modelActions';
import { photoRef, runPhotoInSlot } from '../store/photoActions';
import { useAppStore } from '../store/store';

/** Handles a file given by any route (drop, paste, picker): one place decides what runs. */
export function acceptFiles(files: readonly File[], folders = 0): void {
  if (acceptCheckpointFiles(files)) return; // a .safetensors/.pth/.pt/.bin (with its config and labels), built in the worker
  if (acceptModelFiles(files)) return; // an .onnx model (with its data files) or a labels.txt
  const picked = pickPhoto(files, folders);
  if (picked.error || !picked.file) {
    useAppStore.setState({ photoError: picked.error });
    return;
  }
  void runPhotoInSlot('main', photoRef(picked.file, picked.file.name, null, picked.notice ? [picked.notice] : []));
}

/** Drop a photo anywhere on the page, or paste one; returns whether a drag is over the page. */
export function useGlobalPhotoDrop(): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // without this the browser would open the file instead
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (e: DragEvent) => {
      depth = 0;
      setDragging(false);
      if (!e.dataTransfer) return;
      e.preventDefault();
      const { files, folders } = filesFromDataTransfer(e.dataTransfer);
      acceptFiles(files, folders);
    };
    const onPaste = (e: ClipboardEvent) => {
      const files = Array.from(e.clipboardData?.files ?? []);
      if (files.length === 0) return;
      e.preventDefault();
      acceptFiles(files);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('paste', onPaste);
    };
  }, []);
  return dragging;
}
