/**
 * "How this value is computed": the op that made the selected value, with this photo's numbers,
 * as text and tables (every number is text), ending in "= value". The inputs come from one run
 * in the worker per layer (useExplainInputs.ts); the one value is explained here, at once.
 */
import { useMemo } from 'react';
import { explainValue } from '../explain/explainValue';
import { formatNumber, type Cell, type Curve, type ExplainTable, type Explanation, type Position } from '../explain/explanation';
import { useAppStore } from '../store/store';
import { ConvPlay } from './ConvPlay';
import { useExplainInputs } from './useExplainInputs';
import './explain.css';

const cell = (c: Cell) => (typeof c === 'number' ? formatNumber(c) : c);

function Table({ table }: { table: ExplainTable }) {
  return (
    <div className="explain__scroll">
      <table className={table.grid ? 'explain__table explain__table--grid' : 'explain__table'}>
        <caption>{table.caption}</caption>
        {!table.grid && (
          <thead>
            <tr>
              {table.columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
        )}
        <tbody>
          {table.rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j} className={typeof c === 'string' && c.startsWith('0 (') ? 'explain__pad' : undefined}>
                  {cell(c)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The activation's curve with the input and output marked (the numbers are in the text beside it). */
function CurvePlot({ curve }: { curve: Curve }) {
  const xs = curve.points.map((p) => p[0]);
  const ys = curve.points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 0.5)];
  const W = 240;
  const H = 140;
  const px = (x: number) => ((x - x0) / (x1 - x0 || 1)) * W;
  const py = (y: number) => H - ((y - y0) / (y1 - y0 || 1)) * H;
  return (
    <svg className="explain__curve" viewBox={`-4 -4 ${W + 8} ${H + 8}`} role="img" aria-label={`${curve.fn} curve, marked at x = ${formatNumber(curve.x)}, y = ${formatNumber(curve.y)}`}>
      <line x1={0} x2={W} y1={py(0)} y2={py(0)} className="explain__axis" />
      <line x1={px(0)} x2={px(0)} y1={0} y2={H} className="explain__axis" />
      <polyline points={curve.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')} className="explain__line" />
      <line x1={px(curve.x)} x2={px(curve.x)} y1={py(0)} y2={py(curve.y)} className="explain__guide" />
      <circle cx={px(curve.x)} cy={py(curve.y)} r={5} className="explain__dot" />
    </svg>
  );
}

function ExplanationView({ e, mapValue }: { e: Explanation; mapValue: number | null }) {
  return (
    <>
      <p className="explain__what">
        <strong>{e.title}</strong> · ONNX <code>{e.op}</code>
        {e.node && (
          <>
            {' '}
            · node <code>{e.node}</code>
          </>
        )}
      </p>
      <p className="explain__formula">{e.formula}</p>
      {e.note && <p>{e.note}</p>}
      {e.steps.length > 0 && (
        <dl className="explain__steps">
          {e.steps.map((s) => (
            <div key={s.label}>
              <dt>{s.label}</dt>
              <dd>{formatNumber(s.value)}</dd>
            </div>
          ))}
        </dl>
      )}
      {e.curve && <CurvePlot curve={e.curve} />}
      {e.tables.map((t) =>
        t.rows.length > 40 ? (
          <details key={t.caption}>
            <summary>{t.caption}</summary>
            <Table table={t} />
          </details>
        ) : (
          <Table key={t.caption} table={t} />
        ),
      )}
      <Table table={{ caption: 'The terms, which add up to the value', columns: ['term', 'value'], rows: e.terms.map((t) => [t.label, t.value]) }} />
      <p className="explain__result" data-testid="explain-result">
        = {formatNumber(e.value)}
      </p>
      {mapValue !== null && <p className="explain__check">The map holds {formatNumber(mapValue)} at this position (the model's own run).</p>}
      {mapValue !== null && Math.abs(e.value - mapValue) > 1e-3 * Math.max(Math.abs(mapValue), 0.01 * e.scale, 1e-6) && (
        <p role="alert">This does not match the map: the explanation was read from another run than the one shown. Choose the photo again.</p>
      )}
    </>
  );
}

interface Props {
  tap: string;
  position: Position;
  /** The value the map shows there, to check against. */
  mapValue: number | null;
  /** A heading of its own when two explanations are shown (the pooled feature, then the class score). */
  heading?: string;
}

export function ExplainPanel({ tap, position, mapValue, heading = 'How this value is computed' }: Props) {
  const state = useExplainInputs(tap);
  const labels = useAppStore((s) => s.model?.manifest.labels);
  const input = useAppStore((s) => s.model?.manifest.input);
  const crop = useAppStore((s) => s.activations?.crop);
  const result = useMemo(() => {
    if (state.status !== 'ready') return null;
    const { plan, tensors, constants, head } = state.inputs;
    try {
      const photo = input && crop && input.layout === 'NCHW' ? { photo: { input: input.name, rgba: crop.data, width: crop.width, height: crop.height, mean: input.mean, std: input.std } } : {};
      return { e: explainValue(plan, { tensors, constants, head, ...(labels ? { labels } : {}), ...photo }, position) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }, [state, position.channel, position.row, position.col, labels, input, crop]);
  const id = `explain-${tap.replace(/[^\w-]/g, '_')}`;
  return (
    <section className="explain" aria-labelledby={id} data-testid="explain">
      <h3 id={id}>{heading}</h3>
      {state.status === 'loading' && (
        // Not role=status: the page's one status line is the app's (tests and screen readers find it by role).
        <p aria-live="polite" className="explain__status">
          Running the photo once more to read the inputs of this layer…
        </p>
      )}
      {state.status === 'camera' && <p>The maps follow the live camera. Pause it, or choose a photo, to see how a value is computed.</p>}
      {state.status === 'error' && <p role="alert">The explanation could not be computed: {state.message}</p>}
      {result && 'error' in result && <p role="alert">The explanation could not be computed: {result.error}</p>}
      {result && 'e' in result && result.e && <ExplanationView e={result.e} mapValue={mapValue} />}
      {state.status === 'ready' && state.inputs.plan.kind === 'conv' && <ConvPlay inputs={state.inputs} channel={position.channel} />}
    </section>
  );
}
