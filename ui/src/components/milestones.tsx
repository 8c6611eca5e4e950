/** The list of milestones a schedule carries (enrollment and amendment), with the API's messages per row. */
import type { JSX } from 'preact';
import { useRef } from 'preact/hooks';
import type { Issue } from '../api-types.js';
import { fieldId, messagesAt, TextField } from './forms.js';

export interface MilestoneDraft {
  id: string;
  title: string;
  dueDate: string;
}

export function MilestonesEditor({
  path,
  milestones,
  onChange,
  issues,
}: {
  path: string;
  milestones: MilestoneDraft[];
  onChange: (next: MilestoneDraft[]) => void;
  issues: readonly Issue[];
}): JSX.Element {
  const addButton = useRef<HTMLButtonElement>(null);
  const listMessages = messagesAt(issues, path);
  const update = (index: number, key: keyof MilestoneDraft, value: string): void =>
    onChange(milestones.map((m, i) => (i === index ? { ...m, [key]: value } : m)));
  const remove = (index: number): void => {
    onChange(milestones.filter((_, i) => i !== index));
    // The removed row's button is gone: keep the keyboard user in the list.
    requestAnimationFrame(() => addButton.current?.focus());
  };
  const add = (): void => {
    const next = [...milestones, { id: `m${milestones.length + 1}`, title: '', dueDate: '' }];
    onChange(next);
    requestAnimationFrame(() => document.getElementById(fieldId(`${path}[${next.length - 1}].title`))?.focus());
  };
  return (
    <fieldset
      class="milestones"
      id={fieldId(path)}
      tabIndex={-1}
      aria-describedby={listMessages.length ? `${fieldId(path)}-error` : undefined}
    >
      <legend>Milestones</legend>
      {listMessages.length > 0 && (
        <p class="field-error" id={`${fieldId(path)}-error`}>
          {listMessages.join(' ')}
        </p>
      )}
      <ol>
        {milestones.map((milestone, index) => (
          <li key={index} class="milestone-row">
            <TextField
              path={`${path}[${index}].id`}
              label={`Milestone ${index + 1} id`}
              value={milestone.id}
              onValue={(v) => update(index, 'id', v)}
              issues={issues}
              class="field-short"
            />
            <TextField
              path={`${path}[${index}].title`}
              label={`Milestone ${index + 1} title`}
              value={milestone.title}
              onValue={(v) => update(index, 'title', v)}
              issues={issues}
            />
            <TextField
              path={`${path}[${index}].dueDate`}
              label={`Milestone ${index + 1} due date`}
              type="date"
              value={milestone.dueDate}
              onValue={(v) => update(index, 'dueDate', v)}
              issues={issues}
              class="field-short"
            />
            <button type="button" class="link-button" onClick={() => remove(index)}>
              Remove milestone {index + 1}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" class="button button-secondary" ref={addButton} onClick={add}>
        Add a milestone
      </button>
    </fieldset>
  );
}

/** `schedule.milestones[2].dueDate` → "Milestone 3 due date"; null for other paths. */
export function milestoneLabel(path: string, prefix: string): string | null {
  const found = new RegExp(`^${prefix.replace(/[.[\]]/g, '\\$&')}\\[(\\d+)\\]\\.(id|title|dueDate)$`).exec(path);
  if (found) return `Milestone ${Number(found[1]) + 1} ${found[2] === 'dueDate' ? 'due date' : found[2]}`;
  return path === prefix ? 'Milestones' : null;
}
