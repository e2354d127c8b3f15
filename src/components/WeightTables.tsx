import { filterTables, type FilterLayout } from '../render/filters';

/** 4 significant digits: the table is for reading off; the .npy has every bit. */
const cell = (v: number) => (Object.is(v, -0) ? '0' : Number(v.toPrecision(4)).toString());

/** The selected filter's weights as text: the table a screen reader (or a student checking by hand) reads. */
export function WeightTables(props: { tapName: string; layout: FilterLayout; output: number }) {
  const { tapName, layout, output } = props;
  const tables = filterTables(layout, output);
  const perLine = tables[0]?.rows[0]?.length ?? 0;
  return (
    <details className="filters__tables" open>
      <summary>
        Weights of filter {output} as numbers ({layout.inputs} values)
      </summary>
      <div className="filters__table-list" tabIndex={0} role="group" aria-label="Weight tables, scrollable">
        {tables.map((t) => (
          <table key={t.caption} className="filters__table" aria-label={`${tapName} filter ${output} weights ${t.caption}`}>
            <caption>
              Filter {output}, {t.caption}
            </caption>
            <tbody>
              {t.rows.map((row, r) => (
                <tr key={r}>
                  <th scope="row">{layout.kind === 'matrix' ? `${r * perLine}–${r * perLine + row.length - 1}` : `row ${r}`}</th>
                  {row.map((v, c) => (
                    <td key={c}>{cell(v)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
    </details>
  );
}
