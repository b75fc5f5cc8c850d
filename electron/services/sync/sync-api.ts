/**
 * Meeting copies from the app (landgate sync pull/push in the 交换 panel): take a copy of the
 * ticked submissions of the open shared project, push a copy back into it, or push the open
 * copy to the project it came from.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { LandGateApi } from '../../../shared/api/contract';
import { UserInputError } from '../../../shared/model/errors';
import type { ProjectStore } from '../project-store';
import { viaTempDir, type StagedUploads } from '../review/review-api';
import { pullMeetingCopy, pushMeetingCopy, SYNC_META } from './meeting-copy';

export type SyncApi = Pick<LandGateApi, 'getMeetingCopyInfo' | 'exportMeetingCopy' | 'pushMeetingCopy'>;

const safeFilePart = (text: string) => text.replace(/[\\/:*?"<>|\s\u0000-\u001f]+/g, '_').slice(0, 60) || 'landgate';

export function createSyncApi(store: ProjectStore, uploads: () => StagedUploads): SyncApi {
  return {
    async getMeetingCopyInfo() {
      return { shared: store.db.dialect === 'postgres', copyOf: store.getMeta(SYNC_META.source) ?? null, pulledAt: store.getMeta(SYNC_META.pulledAt) ?? null };
    },
    async exportMeetingCopy({ submissionIds }) {
      const fileName = `会议副本_${safeFilePart(store.info().title)}_${new Date().toISOString().slice(0, 10)}.gpkg`;
      return viaTempDir((dir) => {
        const out = join(dir, fileName);
        pullMeetingCopy(store.path, out, { submissions: submissionIds?.length ? submissionIds : undefined });
        return { fileName, mimeType: 'application/geopackage+sqlite3', bytes: readFileSync(out) };
      });
    },
    async pushMeetingCopy({ uploadId }) {
      if (uploadId === undefined) {
        const source = store.getMeta(SYNC_META.source);
        if (!source) throw new UserInputError('sync.not-a-copy', '当前项目不是会议副本：请在共享项目中选择要推送的会议副本文件。', 'The open project is not a meeting copy.');
        return pushMeetingCopy(store.path, source);
      }
      const staged = uploads();
      try {
        const paths = staged.stagedPaths(uploadId).filter((p) => p.toLowerCase().endsWith('.gpkg'));
        if (paths.length !== 1) throw new UserInputError('sync.upload', '请选择一个会议副本文件（.gpkg）。', 'Choose one meeting copy (.gpkg).');
        return pushMeetingCopy(paths[0], store.path);
      } finally {
        staged.discard(uploadId);
      }
    },
  };
}
