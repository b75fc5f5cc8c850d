/**
 * 全部审查 (issue 4): sweeps every parcel of the project with the profile in force on the Node
 * side's worker threads, shows a progress bar while it runs and the count per verdict when done.
 * The sweep is recorded in the project like any check (one record per parcel layer).
 */
import { useEffect, useRef, useState } from 'react';
import type { SweepJob } from '../../shared/api/contract';
import { api, userMessage } from '../platform/api';
import { pt } from '../profiles/messages';
import '../profiles/profiles.css';

const POLL_MS = 400;

/** `onDone`: the sweep recorded new verdicts (the map recolours the parcels). */
export function SweepPanel({ profileId, profileName, onDone }: { profileId: string | null; profileName?: string; onDone?: () => void }) {
  const [job, setJob] = useState<SweepJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  // A finished summary belongs to the profile it ran with: clear it when the profile in force changes.
  useEffect(() => {
    setJob((current) => (current && current.state !== 'running' && current.profile !== profileId ? null : current));
  }, [profileId]);

  const poll = (jobId: string) => {
    api.getSweepJob({ jobId }).then(
      (next) => {
        setJob(next);
        if (next.state === 'running') timer.current = setTimeout(() => poll(jobId), POLL_MS);
        else if (next.state === 'done') onDone?.();
      },
      (e: unknown) => setError(userMessage(e)),
    );
  };

  const start = () => {
    if (!profileId) return;
    setError(null);
    api.startSweep({ profile: profileId }).then(
      ({ jobId }) => {
        setJob({ state: 'running', done: 0, total: 0, profile: profileId });
        poll(jobId);
      },
      (e: unknown) => setError(userMessage(e)),
    );
  };

  const running = job?.state === 'running';
  const pct = job && job.total > 0 ? Math.round((job.done / job.total) * 100) : 0;
  return (
    <section className="panel sweep-panel" data-testid="sweep-panel">
      <header className="panel-header">
        <h2>{pt('sweep.title')}</h2>
        <button type="button" className="sweep-button" data-testid="sweep-start" disabled={!profileId || running} onClick={start} title={profileId ? pt('sweep.hint') : pt('sweep.noProfile')}>
          {pt('sweep.start')}
        </button>
      </header>
      <div className="sweep-body">
        {profileName && <div className="sweep-profile">{profileName}</div>}
        {job && (
          <div className="sweep-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="sweep-progress">
            <div className="sweep-progress-bar" style={{ width: `${job.state === 'done' ? 100 : pct}%` }} />
          </div>
        )}
        {running && job && <div className="sweep-status">{pt('sweep.running', { done: job.done, total: job.total || '…' })}</div>}
        {job?.state === 'done' && job.summary && (
          <div className="sweep-summary" data-testid="sweep-summary">
            <div className="sweep-counts">
              <span className="verdict-chip verdict-prohibited">
                {pt('sweep.prohibited')} <b>{job.summary.prohibited}</b>
              </span>
              <span className="verdict-chip verdict-conditional">
                {pt('sweep.conditional')} <b>{job.summary.conditional}</b>
              </span>
              <span className="verdict-chip verdict-permitted">
                {pt('sweep.permitted')} <b>{job.summary.permitted}</b>
              </span>
            </div>
            <div className="sweep-status">{pt('sweep.done', { total: job.total, seconds: job.summary.seconds, ids: job.summary.checkIds.map((id) => `#${id}`).join('、') })}</div>
          </div>
        )}
        {job?.state === 'failed' && <div className="sweep-error" role="alert">{pt('sweep.failed', { error: job.error ?? '' })}</div>}
        {error && <div className="sweep-error" role="alert">{error}</div>}
      </div>
    </section>
  );
}
