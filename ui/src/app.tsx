/**
 * The application shell: who is signed in, the page for the current path, and the landmarks every
 * page shares (banner with the navigation, main, footer). A skip link leads past the navigation.
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem, getJson, whenUnauthorized } from './api.js';
import type { ApiRole, Me } from './api-types.js';
import { Loading, PageHeading, ProblemMessage } from './components/page.js';
import { ROLE_LABELS } from './format.js';
import { DashboardPage } from './pages/dashboard.js';
import { EnrollPage } from './pages/enroll.js';
import { ImportPage } from './pages/import.js';
import { InboxPage } from './pages/inbox.js';
import { MyProgramPage, ProgramPage } from './pages/program.js';
import { PROGRAMS_PATH, ProgramsPage } from './pages/programs.js';
import { CALLBACK_PATH, providerSignOutUrl } from './oidc.js';
import { SignInPage } from './pages/sign-in.js';
import { Link, match, navigate, useLocation } from './router.js';
import { claimsOfStoredToken, clearToken, signedInForDevelopment, storedToken } from './session.js';

type Session = { state: 'signed-out' } | { state: 'loading' } | { state: 'signed-in'; me: Me } | { state: 'failed'; error: unknown };

const SEE_ALL: readonly ApiRole[] = ['hr', 'das', 'auditor'];
const ASSIGNED: readonly ApiRole[] = ['supervisor', 'program-manager'];
const holds = (me: Me, roles: readonly ApiRole[]): boolean => me.roles.some((role) => roles.includes(role));

/** Where each person starts: HR, DAS and auditors on the dashboard, supervisors in their inbox, trainees on their program. */
function homeOf(me: Me): string | null {
  if (holds(me, SEE_ALL)) return '/dashboard';
  if (holds(me, ASSIGNED)) return '/inbox';
  if (me.roles.includes('trainee')) return '/my-program';
  return null;
}

/** The token's own claims show the first page at once; GET /v1/me confirms them (and a refused token signs out). */
function initialSession(): Session {
  if (!storedToken()) return { state: 'signed-out' };
  const claims = claimsOfStoredToken();
  return claims ? { state: 'signed-in', me: claims } : { state: 'loading' };
}

const signInPath = (next: string): string =>
  next === '/' || next.startsWith('/sign-in') ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
/** The sign-in page, and the page the identity provider sends the browser back to. */
const isSignInPath = (path: string): boolean => path === '/sign-in' || path === CALLBACK_PATH;

export function App(): JSX.Element {
  const location = useLocation();
  const [session, setSession] = useState<Session>(initialSession);

  const loadMe = useCallback(() => {
    if (!storedToken()) {
      setSession({ state: 'signed-out' });
      return;
    }
    setSession(initialSession());
    getJson<Me>('/v1/me')
      .then((me) => setSession({ state: 'signed-in', me }))
      .catch((error: unknown) => {
        if (error instanceof ApiProblem && error.status === 401) return; // whenUnauthorized signs out
        setSession({ state: 'failed', error });
      });
  }, []);

  useEffect(() => {
    whenUnauthorized(() => {
      clearToken();
      setSession({ state: 'signed-out' });
      navigate(signInPath(`${window.location.pathname}${window.location.search}`), { replace: true });
    });
    loadMe();
  }, [loadMe]);

  // Every page but sign-in needs a person: send the others to sign in, and back afterwards.
  useEffect(() => {
    if (session.state === 'signed-out' && !isSignInPath(location.path)) navigate(signInPath(location.href), { replace: true });
  }, [session.state, location.path, location.href]);

  const signOut = (): void => {
    // Signed in through the identity provider: end its session too, and come back to /sign-in.
    const ending = providerSignOutUrl().catch(() => null);
    void ending.then((url) => {
      clearToken();
      setSession({ state: 'signed-out' });
      if (url) window.location.assign(url);
      else navigate('/sign-in');
    });
  };

  const me = session.state === 'signed-in' ? session.me : null;
  return (
    <>
      <a href="#main" class="skip-link">
        Skip to main content
      </a>
      <header class="banner">
        <div class="banner-inner">
          <p class="app-name">
            <Link href="/">Leadership Associate programs</Link>
          </p>
          {me && <Navigation me={me} path={location.path} onSignOut={signOut} />}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {session.state === 'loading' && <Loading what="your account" />}
        {session.state === 'failed' && (
          <>
            <PageHeading title="The service is not answering" />
            <ProblemMessage error={session.error} />
          </>
        )}
        {(session.state === 'signed-out' || isSignInPath(location.path)) && session.state !== 'loading' && (
          <SignInPage
            path={location.path}
            next={location.query.get('next') ?? '/'}
            onSignedIn={(next) => {
              loadMe();
              navigate(next ?? location.query.get('next') ?? '/', { replace: true });
            }}
          />
        )}
        {me && !isSignInPath(location.path) && <Page me={me} path={location.path} />}
      </main>
      <footer class="site-footer">
        <p>State of Connecticut Leadership Associate development programs (C.G.S. 5-234). Dates are New York dates.</p>
      </footer>
    </>
  );
}

function Navigation({ me, path, onSignOut }: { me: Me; path: string; onSignOut: () => void }): JSX.Element {
  const links: { href: string; label: string }[] = [];
  if (holds(me, [...SEE_ALL, ...ASSIGNED]))
    links.push({ href: '/dashboard', label: 'Dashboard' }, { href: PROGRAMS_PATH, label: 'Programs' });
  if (holds(me, ASSIGNED)) links.push({ href: '/inbox', label: 'Inbox' });
  if (me.roles.includes('hr')) links.push({ href: '/enroll', label: 'Enroll a trainee' }, { href: '/import', label: 'Import trainees' });
  if (me.roles.includes('trainee')) links.push({ href: '/my-program', label: 'My program' });
  return (
    <>
      <nav aria-label="Main">
        <ul>
          {links.map((link) => (
            <li key={link.href}>
              <Link href={link.href} {...(path === link.href ? { 'aria-current': 'page' } : {})}>
                {link.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div class="account">
        <span>
          Signed in as <strong>{me.sub}</strong> ({me.roles.map((role) => ROLE_LABELS[role]).join(', ')})
          {signedInForDevelopment() && <span class="tag tag-development">development sign-in</span>}
        </span>
        <button type="button" class="link-button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </>
  );
}

function Page({ me, path }: { me: Me; path: string }): JSX.Element {
  if (path === '/') {
    const home = homeOf(me);
    if (home) return <Redirect to={home} />;
    return <NoAccess what="This account has no role this application knows." />;
  }
  if (path === '/dashboard')
    return holds(me, [...SEE_ALL, ...ASSIGNED]) ? (
      <DashboardPage me={me} />
    ) : (
      <NoAccess what="The dashboard is for HR, DAS, auditors, supervisors and program managers." />
    );
  if (path === PROGRAMS_PATH)
    return holds(me, [...SEE_ALL, ...ASSIGNED]) ? (
      <ProgramsPage />
    ) : (
      <NoAccess what="The programs list is for HR, DAS, auditors, supervisors and program managers." />
    );
  if (path === '/enroll') return me.roles.includes('hr') ? <EnrollPage /> : <NoAccess what="Only HR enrolls trainees." />;
  if (path === '/import') return me.roles.includes('hr') ? <ImportPage /> : <NoAccess what="Only HR imports trainees." />;
  if (path === '/inbox')
    return holds(me, ASSIGNED) ? <InboxPage me={me} /> : <NoAccess what="The inbox is for supervisors and program managers." />;
  if (path === '/my-program') return <MyProgramPage me={me} />;
  const program = match('/programs/:programId', path);
  if (program?.programId) return <ProgramPage key={program.programId} me={me} programId={program.programId} />;
  return (
    <>
      <PageHeading title="Page not found" />
      <p>There is no page at this address.</p>
      <p>
        <Link href="/">Go to your start page</Link>
      </p>
    </>
  );
}

function Redirect({ to }: { to: string }): JSX.Element {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return <Loading what="your start page" />;
}

function NoAccess({ what }: { what: string }): JSX.Element {
  return (
    <>
      <PageHeading title="Not available to you" />
      <p>{what}</p>
      <p>
        <Link href="/">Go to your start page</Link>
      </p>
    </>
  );
}
