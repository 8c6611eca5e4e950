/** The filter fields the dashboard and the programs list share: status, agency and target class. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import type { ProgramStatus, TargetClass } from '../api-types.js';
import { PROGRAM_STATUSES, STATUS_LABELS } from '../format.js';

/** The target classes to choose from; none when they cannot be read (the field then takes any code typed). */
export function useTargetClasses(): TargetClass[] {
  const [classes, setClasses] = useState<TargetClass[]>([]);
  useEffect(() => {
    getJson<{ items: TargetClass[] }>('/v1/target-classes')
      .then((answer) => setClasses(answer.items))
      .catch(() => setClasses([]));
  }, []);
  return classes;
}

export type SharedFilter = 'status' | 'agency' | 'targetClass';

export interface ProgramFilterFieldsProps {
  /** The fields' ids: `<idPrefix>-status`, `<idPrefix>-agency`, `<idPrefix>-target-class`. */
  idPrefix: string;
  values: Readonly<Record<SharedFilter, string>>;
  /** The status option's value that means "any status". */
  anyStatus: string;
  onChange: (field: SharedFilter, value: string) => void;
}

export function ProgramFilterFields({ idPrefix, values, anyStatus, onChange }: ProgramFilterFieldsProps): JSX.Element {
  const classes = useTargetClasses();
  const change = (field: SharedFilter) => (event: { currentTarget: { value: string } }) => onChange(field, event.currentTarget.value);
  return (
    <>
      <div class="field">
        <label for={`${idPrefix}-status`}>Status</label>
        <select id={`${idPrefix}-status`} value={values.status} onChange={change('status')}>
          <option value={anyStatus}>Any status</option>
          {PROGRAM_STATUSES.map((status: ProgramStatus) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${idPrefix}-agency`}>Agency</label>
        <input id={`${idPrefix}-agency`} type="text" value={values.agency} onInput={change('agency')} autoComplete="off" />
      </div>
      <div class="field">
        <label for={`${idPrefix}-target-class`}>Target class</label>
        <select id={`${idPrefix}-target-class`} value={values.targetClass} onChange={change('targetClass')}>
          <option value="">Any class</option>
          {classes.map((c) => (
            <option key={c.code} value={c.code}>
              {c.code} {c.title}
            </option>
          ))}
          {values.targetClass && !classes.some((c) => c.code === values.targetClass) && (
            <option value={values.targetClass}>{values.targetClass}</option>
          )}
        </select>
      </div>
    </>
  );
}
