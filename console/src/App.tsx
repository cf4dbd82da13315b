/** The console's frame: the header, and the page the hash route names. */
import { useHashRoute } from './hooks.ts';
import { MachinesPage } from './pages/MachinesPage.tsx';
import { MachinePage } from './pages/MachinePage.tsx';
import { ExecutionPage } from './pages/ExecutionPage.tsx';
import { OutboxPage } from './pages/OutboxPage.tsx';

export function App() {
  const route = useHashRoute();
  const [, page, arg] = /^\/([a-z]*)\/?(.*)$/.exec(route) ?? [];
  const param = arg ? decodeURIComponent(arg) : '';
  return (
    <>
      <header className="top">
        <a href="#/" className="brand">Longhaul <span>local console</span></a>
        <nav>
          <a href="#/">State machines</a>
          <a href="#/outbox" data-testid="nav-outbox">Outbox</a>
        </nav>
      </header>
      <main>
        {page === 'machine' ? <MachinePage key={param} arn={param} />
          : page === 'execution' ? <ExecutionPage key={param} arn={param} />
          : page === 'outbox' ? <OutboxPage executionArn={param || undefined} />
          : <MachinesPage />}
      </main>
    </>
  );
}
