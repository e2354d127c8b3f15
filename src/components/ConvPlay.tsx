/**
 * *Play*: the kernel slides over the input map position by position and the output map fills
 * as it goes, like the classic animation, with *Speed* and *Pause*. With prefers-reduced-motion
 * nothing moves by itself: *Next position* steps on demand. The output values drawn are the
 * model's own (the tap's tensor), never recomputed.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { channelColours, playWindow } from '../explain/convPlay';
import type { ExplainPlan } from '../explain/explainPlan';
import { formatNumber } from '../explain/explanation';
import { getLut } from '../render/colormaps';
import { selectColormap, useAppStore } from '../store/store';
import type { ExplainInputs } from '../worker/protocol';

const SIDE = 168;

function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** Draws `w`×`h` RGBA scaled to the canvas with square pixels (a canvas's size change clears it). */
function paint(canvas: HTMLCanvasElement, rgba: Uint8ClampedArray, w: number, h: number): CanvasRenderingContext2D | null {
  const scale = Math.max(1, Math.floor(SIDE / Math.max(w, h)));
  if (canvas.width !== w * scale) canvas.width = w * scale;
  if (canvas.height !== h * scale) canvas.height = h * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const small = new OffscreenCanvas(w, h);
  small.getContext('2d')!.putImageData(new ImageData(rgba.slice(), w, h), 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  return ctx;
}

export function ConvPlay({ inputs, channel }: { inputs: ExplainInputs; channel: number }) {
  const plan = inputs.plan as Extract<ExplainPlan, { kind: 'conv' }>;
  const colormap = useAppStore(selectColormap);
  const x = inputs.tensors[plan.input.value];
  const y = inputs.tensors[inputs.value];
  const weight = inputs.constants[plan.weight];
  const [, inC = 0, inH = 0, inW = 0] = x?.dims ?? [];
  const [, , outH = 0, outW = 0] = y?.dims ?? [];
  const cinG = weight?.dims[1] ?? 1;
  const outC = y?.dims[1] ?? 1;
  const inChannel = Math.floor(channel / (outC / plan.group)) * cinG;
  const total = outH * outW;
  const [step, setStep] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(40);
  const still = reducedMotion();
  const inCanvas = useRef<HTMLCanvasElement>(null);
  const outCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    setStep(0);
    setPlaying(false);
  }, [channel, inputs]);

  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    let last = performance.now();
    let carry = 0;
    const tick = (now: number) => {
      carry += ((now - last) / 1000) * speed;
      last = now;
      const n = Math.floor(carry);
      carry -= n;
      if (n > 0) setStep((s) => Math.min(total - 1, s + n));
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, speed, total]);

  useEffect(() => {
    if (playing && step >= total - 1) setPlaying(false);
  }, [playing, step, total]);

  useLayoutEffect(() => {
    if (!x || !y || !inCanvas.current || !outCanvas.current) return;
    const lut = getLut(colormap);
    const inRgba = new Uint8ClampedArray(inW * inH * 4);
    channelColours(inRgba, x.data, inChannel * inH * inW, inW, inH, lut);
    const ctx = paint(inCanvas.current, inRgba, inW, inH);
    const win = playWindow(plan, step, outW);
    if (ctx) {
      const s = inCanvas.current.width / inW;
      ctx.strokeStyle = '#ffd600';
      ctx.lineWidth = 2;
      ctx.strokeRect(win.x0 * s + 1, win.y0 * s + 1, (win.x1 - win.x0) * s - 2, (win.y1 - win.y0) * s - 2);
    }
    const outRgba = new Uint8ClampedArray(outW * outH * 4);
    channelColours(outRgba, y.data, channel * outH * outW, outW, outH, lut, step + 1);
    const octx = paint(outCanvas.current, outRgba, outW, outH);
    if (octx) {
      const s = outCanvas.current.width / outW;
      octx.strokeStyle = '#ffd600';
      octx.lineWidth = 2;
      octx.strokeRect(win.col * s + 1, win.row * s + 1, s - 2, s - 2);
    }
  }, [x, y, step, channel, colormap, inChannel, inW, inH, outW, outH, plan]);

  if (!x || !y || total === 0) return null;
  const win = playWindow(plan, step, outW);
  const value = y.data[channel * total + step]!;
  return (
    <div className="play">
      <h4>Step through it</h4>
      <div className="play__maps">
        <figure>
          <canvas ref={inCanvas} className="play__map" role="img" aria-label={`Input channel ${inChannel}, with the ${plan.kernel.join('×')} kernel at rows ${win.y0}–${win.y1 - 1}, columns ${win.x0}–${win.x1 - 1}`} />
          <figcaption>
            Input channel {inChannel}
            {cinG > 1 ? ` (1 of the ${cinG} the kernel covers)` : ''} · {inC} channels of {inH}×{inW}
          </figcaption>
        </figure>
        <figure>
          <canvas ref={outCanvas} className="play__map" role="img" aria-label={`Output channel ${channel}, filled up to row ${win.row}, column ${win.col}`} />
          <figcaption>
            Output channel {channel} · {outH}×{outW}
          </figcaption>
        </figure>
      </div>
      <p className="play__now" aria-live="polite">
        Position {step + 1} of {total}: row {win.row}, column {win.col} = {formatNumber(value)}
      </p>
      <div className="play__controls">
        {!still && (
          <button type="button" className="button button--small" onClick={() => (step >= total - 1 ? (setStep(0), setPlaying(true)) : setPlaying(!playing))}>
            {playing ? 'Pause' : 'Play'}
          </button>
        )}
        <button type="button" className="button button--small" onClick={() => setStep((s) => Math.min(total - 1, s + 1))} disabled={playing || step >= total - 1}>
          Next position
        </button>
        <button type="button" className="button button--small" onClick={() => (setPlaying(false), setStep(0))}>
          Start again
        </button>
        {!still && (
          <label className="play__speed">
            Speed
            <input type="range" min={1} max={400} value={speed} onChange={(e) => setSpeed(Number(e.target.value))} aria-valuetext={`${speed} positions a second`} />
          </label>
        )}
        {still && <span className="play__still">Reduced motion is on: step with Next position.</span>}
      </div>
    </div>
  );
}
