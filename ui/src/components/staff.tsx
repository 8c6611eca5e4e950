/**
 * People by name: supervisors and program managers from the staff directory (GET /v1/staff), and a
 * staff picker for the forms that name them. Ids stay what the API is sent; names are what people
 * read. The picker is an ARIA combobox: type part of a name or id, move with the arrow keys, choose
 * with Enter, close with Escape.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, queryString } from '../api.js';
import type { Issue, StaffList } from '../api-types.js';
import { Field, fieldId } from './forms.js';

type StaffMember = StaffList['items'][number];

/** "Sam Okafor (sup-0001)", or the id alone when the directory does not name it. */
export const nameAndId = (name: string | undefined, id: string): string => (name ? `${name} (${id})` : id);

/** The directory's names of these staff ids; an id it does not know (or a failed read) stays an id. */
export function useStaffNames(ids: readonly string[]): ReadonlyMap<string, string> {
  const key = [...new Set(ids.filter((id) => id !== ''))].sort().join(',');
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    if (key === '') return undefined;
    let current = true;
    getJson<StaffList>(`/v1/staff${queryString({ ids: key })}`)
      .then((list) => {
        if (current) setNames(new Map(list.items.map((s) => [s.staffId, s.name])));
      })
      .catch(() => undefined); // the ids are shown instead
    return () => {
      current = false;
    };
  }, [key]);
  return names;
}

interface StaffPickerProps {
  path: string;
  label: string;
  /** The chosen staff id (or what was typed, which the API then checks). */
  value: string;
  onValue: (staffId: string) => void;
  issues: readonly Issue[];
  hint?: string;
}

const SUGGESTIONS = 8;

export function StaffPicker({
  path,
  label,
  value,
  onValue,
  issues,
  hint = 'Type part of a name or staff id, then choose with the arrow keys and Enter.',
}: StaffPickerProps): JSX.Element {
  const names = useStaffNames(value ? [value] : []);
  const [text, setText] = useState<string | null>(null);
  const [options, setOptions] = useState<StaffMember[]>([]);
  const [expanded, setExpanded] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState('');
  const lookup = useRef<AbortController | null>(null);
  useEffect(() => () => lookup.current?.abort(), []);

  const shown = text ?? nameAndId(names.get(value), value);

  const search = (query: string): void => {
    lookup.current?.abort();
    if (query.trim() === '') {
      setOptions([]);
      setExpanded(false);
      setStatus('');
      return;
    }
    const controller = new AbortController();
    lookup.current = controller;
    getJson<StaffList>(`/v1/staff${queryString({ q: query.trim(), limit: SUGGESTIONS })}`, { signal: controller.signal })
      .then((list) => {
        if (controller.signal.aborted) return;
        setOptions(list.items);
        setActive(list.items.length > 0 ? 0 : -1);
        // An answer that arrives after the person moved on opens nothing under another field.
        setExpanded(list.items.length > 0 && document.activeElement?.id === fieldId(path));
        setStatus(list.items.length === 0 ? 'No staff member matches.' : `${list.items.length} staff members match.`);
      })
      .catch(() => undefined); // an aborted or failed search leaves the typed text, which the API checks
  };

  const choose = (member: StaffMember): void => {
    // A search still under way must not reopen the list over the choice.
    lookup.current?.abort();
    onValue(member.staffId);
    setText(nameAndId(member.name, member.staffId));
    setExpanded(false);
    setActive(-1);
    setStatus('');
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!expanded) {
        if (options.length > 0) setExpanded(true);
        else search(shown);
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index) => (options.length === 0 ? -1 : (index + step + options.length) % options.length));
    } else if (event.key === 'Enter' && expanded) {
      const member = options[active];
      if (member) {
        event.preventDefault(); // choosing is not submitting
        choose(member);
      }
    } else if (event.key === 'Escape' && expanded) {
      event.preventDefault();
      setExpanded(false);
    }
  };

  return (
    <Field path={path} label={label} issues={issues} hint={hint} class="staff-picker">
      {(control) => {
        const listId = `${control.id}-options`;
        const optionId = (index: number): string => `${control.id}-option-${index}`;
        const activeMember = expanded ? options[active] : undefined;
        return (
          <div class="combobox">
            <input
              {...control}
              type="text"
              role="combobox"
              aria-autocomplete="list"
              aria-expanded={expanded ? 'true' : 'false'}
              aria-controls={listId}
              {...(activeMember ? { 'aria-activedescendant': optionId(active) } : {})}
              autoComplete="off"
              value={shown}
              onInput={(event) => {
                const typed = event.currentTarget.value;
                setText(typed);
                onValue(typed.trim());
                search(typed);
              }}
              onKeyDown={onKeyDown}
              onBlur={() => setExpanded(false)}
            />
            <ul id={listId} role="listbox" aria-label="Matching staff members" class="combobox-options" hidden={!expanded}>
              {options.map((member, index) => (
                <li
                  key={member.staffId}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === active ? 'true' : 'false'}
                  class={index === active ? 'combobox-option active' : 'combobox-option'}
                  // Chosen on mousedown, before the input's blur closes the list.
                  onMouseDown={(event) => {
                    event.preventDefault();
                    choose(member);
                  }}
                >
                  {member.name} <span class="combobox-id">({member.staffId})</span>
                </li>
              ))}
            </ul>
            <p class="visually-hidden" aria-live="polite">
              {status}
            </p>
          </div>
        );
      }}
    </Field>
  );
}
