/**
 * Form fields that show the API's own messages. A form posts what the user typed; a 400 or 422
 * answer names each offending field by its path (`schedule.milestones[1].dueDate`), and the field
 * of that path shows the message beside it, with a summary at the top that links to each field.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Issue } from '../api-types.js';

/** The element id of the field for an API path: `schedule.milestones[1].dueDate` → `f-schedule-milestones-1-dueDate`. */
export const fieldId = (path: string): string => `f-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;

export const messagesAt = (issues: readonly Issue[], path: string): string[] => issues.filter((i) => i.path === path).map((i) => i.message);

/**
 * How this browser's date box shows a date ("mm/dd/yyyy" in the United States), from its locale:
 * the API speaks of YYYY-MM-DD, the wire format, but the person types into the box.
 */
export function browserDatePattern(): string {
  const parts = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(2026, 10, 29),
  );
  return parts
    .map((part) => (part.type === 'year' ? 'yyyy' : part.type === 'month' ? 'mm' : part.type === 'day' ? 'dd' : part.value))
    .join('');
}

/** Any message, with a date's pattern as the browser's date boxes show it. */
const withDatePattern = (message: string): string => message.replaceAll('(YYYY-MM-DD)', `(${browserDatePattern()})`);

/** A message about a date box, in its words: a missing date says how to type one. */
export const forDateBox = (message: string): string =>
  withDatePattern(message).replace(/ is required\.$/, ` is required: enter it as ${browserDatePattern()}.`);

interface FieldProps {
  path: string;
  label: string;
  issues: readonly Issue[];
  hint?: string;
  /** The control, given the ids it must carry. */
  children: (control: { id: string; name: string; 'aria-describedby'?: string; 'aria-invalid'?: 'true' }) => ComponentChildren;
  class?: string;
  /** The API's message as this control's users read it (a date box's own date pattern). */
  wording?: (message: string) => string;
}

/** A label, the control, its hint and the API's messages for its path. */
export function Field({ path, label, issues, hint, children, class: className, wording = (m) => m }: FieldProps): JSX.Element {
  const id = fieldId(path);
  // One message per field: the first the API gave.
  const messages = messagesAt(issues, path).slice(0, 1).map(wording);
  const describedBy = [hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${messages.length ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {messages.length > 0 && (
        <p class="field-error" id={`${id}-error`}>
          {messages.join(' ')}
        </p>
      )}
      {children({
        id,
        name: path,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(messages.length ? { 'aria-invalid': 'true' as const } : {}),
      })}
    </div>
  );
}

type InputType = 'text' | 'date' | 'email' | 'number';

interface TextFieldProps {
  path: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  issues: readonly Issue[];
  type?: InputType;
  hint?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'decimal' | 'email' | 'text';
  step?: string;
  class?: string;
}

export function TextField({
  path,
  label,
  value,
  onValue,
  issues,
  type = 'text',
  hint,
  autoComplete,
  inputMode,
  step,
  class: className,
}: TextFieldProps): JSX.Element {
  return (
    <Field
      path={path}
      label={label}
      issues={issues}
      {...(hint ? { hint } : {})}
      {...(className ? { class: className } : {})}
      {...(type === 'date' ? { wording: forDateBox } : {})}
    >
      {(control) => (
        <input
          {...control}
          type={type}
          value={value}
          onInput={(event) => onValue(event.currentTarget.value)}
          autoComplete={autoComplete ?? 'off'}
          {...(inputMode ? { inputMode } : {})}
          {...(step ? { step } : {})}
        />
      )}
    </Field>
  );
}

interface TextAreaFieldProps {
  path: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  issues: readonly Issue[];
  hint?: string;
}

export function TextAreaField({ path, label, value, onValue, issues, hint }: TextAreaFieldProps): JSX.Element {
  return (
    <Field path={path} label={label} issues={issues} {...(hint ? { hint } : {})}>
      {(control) => <textarea {...control} rows={3} value={value} onInput={(event) => onValue(event.currentTarget.value)} />}
    </Field>
  );
}

interface SelectFieldProps {
  path: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  issues: readonly Issue[];
  options: readonly { value: string; label: string }[];
  hint?: string;
}

export function SelectField({ path, label, value, onValue, issues, options, hint }: SelectFieldProps): JSX.Element {
  return (
    <Field path={path} label={label} issues={issues} {...(hint ? { hint } : {})}>
      {(control) => (
        <select {...control} value={value} onChange={(event) => onValue(event.currentTarget.value)}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/**
 * "There is a problem": the API's message and every issue, each linking to its field. It takes
 * focus when it appears, so keyboard and screen-reader users land on what went wrong.
 */
export function ErrorSummary({
  problem,
  issues = problem.issues ?? [],
  labelFor,
}: {
  /** The answer being shown: focus moves here each time a new one arrives, and only then. */
  problem: { message: string; issues?: readonly Issue[] | undefined };
  /** The issues as the form's fields are named, when they differ from the answer's own paths. */
  issues?: readonly Issue[];
  labelFor: (path: string) => string | null;
}): JSX.Element {
  const { message } = problem;
  const box = useRef<HTMLDivElement>(null);
  // Keyed on the answer itself: re-renders while the person corrects a field must not take focus back.
  useLayoutEffect(() => {
    box.current?.focus();
  }, [problem]);
  const focusField = (event: MouseEvent, path: string): void => {
    const field = document.getElementById(fieldId(path));
    if (!field) return;
    event.preventDefault();
    field.focus();
  };
  return (
    <div class="error-summary" ref={box} tabIndex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <p>{message}</p>
      {issues.length > 0 && (
        <ul>
          {issues
            .filter((issue, index) => issues.findIndex((other) => other.path === issue.path) === index)
            .map((issue, index) => {
              const label = labelFor(issue.path);
              const message = withDatePattern(issue.message);
              return (
                <li key={`${issue.path}-${index}`}>
                  {label ? (
                    <a href={`#${fieldId(issue.path)}`} onClick={(event) => focusField(event, issue.path)}>
                      {/* The API's sentences name the field already; a rule's message may not. */}
                      {message.startsWith(label) ? message : `${label}: ${message}`}
                    </a>
                  ) : (
                    <span>
                      {issue.path && !message.startsWith(issue.path) ? `${issue.path}: ` : ''}
                      {message}
                    </span>
                  )}
                </li>
              );
            })}
        </ul>
      )}
    </div>
  );
}

/** A number field's text as JSON: empty stays absent, so the API names it as missing. */
export const numberOrAbsent = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));
/** Optional text: empty is absent. */
export const textOrAbsent = (text: string): string | undefined => (text.trim() === '' ? undefined : text);
