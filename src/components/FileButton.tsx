import { useState } from 'react';

interface FileButtonProps {
  /** Visible text and the input's accessible name. */
  label: string;
  accept: string;
  multiple?: boolean;
  className?: string;
  onFiles: (files: File[]) => void;
}

/** A button-styled file input; remounted after each pick so the same file can be chosen again. */
export function FileButton({ label, accept, multiple = false, className = 'button file-button', onFiles }: FileButtonProps) {
  const [inputKey, setInputKey] = useState(0);
  return (
    <label className={className}>
      {label}
      <input
        key={inputKey}
        type="file"
        multiple={multiple}
        accept={accept}
        aria-label={label}
        onChange={(e) => {
          onFiles(Array.from(e.currentTarget.files ?? []));
          setInputKey((k) => k + 1);
        }}
      />
    </label>
  );
}
