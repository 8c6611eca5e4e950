/**
 * Sign-in. With OpenID Connect configured: "Sign in with <provider>" (authorization code with PKCE,
 * ui/src/oidc.ts), and at /sign-in/callback the end of that sign-in. On a developer's machine also:
 * choose a person and a role, and the development-only endpoint mints a token. In production that
 * endpoint does not exist.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, getJson, postJson } from '../api.js';
import type { ApiRole, DevelopmentToken, Issue, UiConfig } from '../api-types.js';
import { ErrorSummary, SelectField, TextField } from '../components/forms.js';
import { Loading, PageHeading } from '../components/page.js';
import { ROLE_LABELS } from '../format.js';
import { CALLBACK_PATH, finishSignIn, startSignIn, type ProviderConfig } from '../oidc.js';
import { storeToken } from '../session.js';

/** People of the development data (client/examples) for each role; any other id may be typed. */
const SAMPLE_PEOPLE: Record<ApiRole, string> = {
  hr: 'hr-0001',
  supervisor: 'sup-0001',
  'program-manager': 'pm-0001',
  das: 'das-0001',
  trainee: 'E1000001',
  auditor: 'aud-0001',
};

const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as ApiRole[]).map((role) => ({ value: role, label: ROLE_LABELS[role] }));

export function SignInPage({ path, next, onSignedIn }: { path: string; next: string; onSignedIn: (next?: string) => void }): JSX.Element {
  const [config, setConfig] = useState<UiConfig | null>(null);
  useEffect(() => {
    getJson<UiConfig>('/ui-config.json')
      .then(setConfig)
      .catch(() => setConfig({ developmentSignIn: false }));
  }, []);

  if (config?.oidc && path === CALLBACK_PATH) {
    return (
      <>
        <PageHeading title="Signing in" />
        <ProviderCallback provider={config.oidc} onSignedIn={onSignedIn} />
      </>
    );
  }
  return (
    <>
      <PageHeading title="Sign in" />
      {config === null && <Loading what="sign-in options" />}
      {config?.oidc && <ProviderSignIn provider={config.oidc} next={next} />}
      {config?.developmentSignIn && <DevelopmentSignIn onSignedIn={() => onSignedIn()} />}
      {config && !config.oidc && !config.developmentSignIn && <OrganisationSignIn />}
    </>
  );
}

function ProviderSignIn({ provider, next }: { provider: ProviderConfig; next: string }): JSX.Element {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const start = (): void => {
    setBusy(true);
    setProblem(null);
    startSignIn(provider, next).catch(() => {
      setBusy(false);
      setProblem(`${provider.providerName} could not be reached. Try again in a moment, or ask your help desk.`);
    });
  };
  return (
    <div class="prose">
      {problem && (
        <div class="problem" role="alert">
          <p>{problem}</p>
        </div>
      )}
      <p>Sign in with your organisation account; you come back here once you are signed in.</p>
      <p>
        <button type="button" class="button" disabled={busy} onClick={start}>
          Sign in with {provider.providerName}
        </button>
      </p>
    </div>
  );
}

function ProviderCallback({ provider, onSignedIn }: { provider: ProviderConfig; onSignedIn: (next: string) => void }): JSX.Element {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const answer = new URLSearchParams(window.location.search);
    if (answer.get('error')) {
      setProblem(answer.get('error') === 'access_denied' ? 'The sign-in was cancelled.' : 'The sign-in did not succeed.');
      return;
    }
    finishSignIn(provider)
      .then(onSignedIn)
      .catch((error: unknown) =>
        setProblem(error instanceof Error && error.message.startsWith('This sign-in') ? error.message : 'The sign-in did not succeed.'),
      );
    // Once: a code can be exchanged only once.
  }, []);
  if (!problem) return <Loading what="your account" />;
  return (
    <div class="prose">
      <div class="problem" role="alert">
        <p>{problem}</p>
      </div>
      <p>
        <a href="/sign-in">Sign in again</a>
      </p>
    </div>
  );
}

function DevelopmentSignIn({ onSignedIn }: { onSignedIn: () => void }): JSX.Element {
  const [role, setRole] = useState<ApiRole>('hr');
  const [person, setPerson] = useState(SAMPLE_PEOPLE.hr);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const issues: Issue[] = problem?.issues ?? [];

  const chooseRole = (value: string): void => {
    const next = value as ApiRole;
    // Suggest the sample person of the role unless the user typed someone else.
    if (Object.values(SAMPLE_PEOPLE).includes(person)) setPerson(SAMPLE_PEOPLE[next]);
    setRole(next);
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      const { token } = await postJson<DevelopmentToken>('/v1/dev/tokens', { sub: person.trim(), roles: [role] });
      storeToken(token, { development: true });
      onSignedIn();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'error', message: 'Signing in failed.' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div class="development-warning" role="note" aria-labelledby="development-warning-title">
        <h2 id="development-warning-title">Development only</h2>
        <p>
          This sign-in lets anyone act as any person in any role. It exists only on a developer's machine: the server offers it only when
          started with <code>APP_ENV=development</code>, and only at a loopback address; everywhere else people sign in through the
          organisation's identity provider.
        </p>
      </div>
      {problem && (
        <ErrorSummary
          problem={problem}
          issues={issues}
          labelFor={(path) => (path === 'sub' ? 'Person' : path.startsWith('roles') ? 'Role' : null)}
        />
      )}
      <form onSubmit={(event) => void submit(event)} noValidate class="form narrow">
        <SelectField path="roles[0]" label="Role" value={role} onValue={chooseRole} issues={issues} options={ROLE_OPTIONS} />
        <TextField
          path="sub"
          label="Person"
          hint="A staff id (hr-0001, sup-0001) or, for a trainee, an employee id (E1000001)."
          value={person}
          onValue={setPerson}
          issues={issues}
        />
        <button type="submit" class="button" disabled={busy}>
          Sign in for development
        </button>
      </form>
    </>
  );
}

function OrganisationSignIn(): JSX.Element {
  return (
    <div class="prose">
      <p>You are not signed in, or your session has ended.</p>
      <p>
        Sign in with your organisation account: your organisation's sign-in page brings you back here once you are signed in. If it does
        not, reload this page or ask your help desk.
      </p>
    </div>
  );
}
