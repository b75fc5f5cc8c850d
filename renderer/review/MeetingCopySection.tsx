/**
 * 离线会议副本 in the 交换 panel: in a shared project, take a copy of the ticked submissions for a
 * laptop, or push a copy back into it; in a copy, push it to the project it came from. The
 * service does the work (electron/services/sync/meeting-copy.ts); conflicts are listed as the
 * service words them, for the reviewer.
 */
import { useEffect, useRef, useState } from 'react';
import type { MeetingCopyInfo, MeetingPushResult } from '../../shared/api/contract';
import type { Submission } from '../../shared/review/model';
import { formatTimestamp } from '../app/format';
import { uploadFiles } from '../import/upload';
import { api } from '../platform/api';
import { t, useLocale } from '../i18n';
import { userMessage } from './common';
import { saveExportedFile } from './download';
import { Feedback } from './Feedback';
import { useBusyAction } from './use-busy-action';

export interface MeetingCopySectionProps {
  /** The submissions ticked in the list (registered ones go into the copy; none = everything). */
  ticked: Submission[];
  /** After a push into this project: reload it, with this notice. */
  onPushed(notice: string): void;
}

export function MeetingCopySection({ ticked, onPushed }: MeetingCopySectionProps) {
  const locale = useLocale();
  const [info, setInfo] = useState<MeetingCopyInfo | null>(null);
  const { busy: running, error, setError, message, setMessage, run: runLabelled } = useBusyAction();
  const busy = running !== null;
  const [result, setResult] = useState<MeetingPushResult | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api.getMeetingCopyInfo().then(setInfo, (e) => setError(userMessage(e)));
  }, []);

  const run = (work: () => Promise<void>) => runLabelled(t('mc.title'), work);

  const showPush = (pushed: MeetingPushResult) => {
    setResult(pushed);
    const notice = t('mc.result', { decisions: pushed.decisions, edits: pushed.attributeEdits });
    setMessage(notice);
    return notice;
  };

  const pull = () =>
    run(async () => {
      const submissionIds = ticked.flatMap((s) => (s.id === null ? [] : [s.id]));
      const file = await api.exportMeetingCopy({ submissionIds: submissionIds.length ? submissionIds : undefined });
      saveExportedFile(file);
      setMessage(t('mc.pulled', { file: file.fileName }));
    });

  const pushUploaded = (file: File) =>
    run(async () => {
      const uploadId = await uploadFiles([file], () => undefined);
      onPushed(showPush(await api.pushMeetingCopy({ uploadId })));
    });

  const pushThisCopy = () => run(async () => void showPush(await api.pushMeetingCopy({})));

  if (!info || (!info.shared && !info.copyOf)) return null;
  return (
    <section data-testid="meeting-copy">
      <h4>{t('mc.title')}</h4>
      <Feedback error={error} message={message} testid="meeting-copy" />
      {info.copyOf ? (
        <>
          <p className="muted">{t('mc.copyOf', { source: info.copyOf, at: info.pulledAt ? formatTimestamp(info.pulledAt) : '—' })}</p>
          <div className="wb-actions">
            <button type="button" className="primary" disabled={busy} onClick={pushThisCopy} data-testid="meeting-copy-push">
              {busy ? t('mc.pushing') : t('mc.push')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="muted">{t('mc.sharedHint')}</p>
          <input
            ref={fileInput}
            type="file"
            accept=".gpkg"
            hidden
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void pushUploaded(file);
            }}
            data-testid="meeting-copy-input"
          />
          <div className="wb-actions">
            <button type="button" className="primary" disabled={busy} onClick={pull} data-testid="meeting-copy-pull">
              {t('mc.pull')}
            </button>
            <button type="button" disabled={busy} onClick={() => fileInput.current?.click()} data-testid="meeting-copy-push-upload">
              {t('mc.pushUpload')}
            </button>
          </div>
        </>
      )}
      {result && (
        <div data-testid="meeting-copy-result">
          {result.alreadyPushed > 0 && <p className="muted">{t('mc.again', { n: result.alreadyPushed })}</p>}
          {result.skipped.length > 0 && <p className="muted">{t('mc.skipped', { ids: [...new Set(result.skipped)].join('、') })}</p>}
          {result.conflicts.length > 0 && (
            <>
              <p>{t('mc.conflicts', { n: result.conflicts.length })}</p>
              <ul data-testid="meeting-copy-conflicts">
                {result.conflicts.map((c) => (
                  <li key={`${c.parcelTable}/${c.parcelId}/${c.kind}`}>{locale === 'en' ? c.messageEn : c.message}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
