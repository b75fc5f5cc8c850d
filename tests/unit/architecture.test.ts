import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { checkLayerRules, checkSource, LAYER_RULES } from '../support/layer-rules';

const root = join(import.meta.dirname, '..', '..');
const rule = (folder: string) => LAYER_RULES.find((r) => r.folder === folder)!;

describe('layer rules (architecture.md)', () => {
  it('hold for the whole tree', () => {
    expect(checkLayerRules(root)).toEqual([]);
  });

  it('catch a shared module importing Node, electron/ or the DOM', () => {
    const source = "import fs from 'node:fs';\nimport { x } from '../../electron/services/y';\nconst w = window.innerWidth;";
    const violations = checkSource(root, 'shared/geo/bad.ts', source, rule('shared'));
    expect(violations).toHaveLength(3);
    expect(violations.join('\n')).toMatch(/node:fs[\s\S]*electron\/[\s\S]*DOM global/);
  });

  it('catch the renderer bypassing platform/api.ts', () => {
    expect(checkSource(root, 'renderer/app/Bad.tsx', "import { ipcRenderer } from 'electron';", rule('renderer'))).toHaveLength(1);
    expect(checkSource(root, 'renderer/app/Bad.tsx', "const r = await fetch('/api/getProject');", rule('renderer'))).toHaveLength(1);
    expect(checkSource(root, 'renderer/platform/api.ts', "const r = await fetch('/api/getProject');", rule('renderer'))).toEqual([]);
    expect(checkSource(root, 'renderer/app/Bad.tsx', "import x from 'path';", rule('renderer'))).toHaveLength(1);
  });

  it('catch a service importing electron, but not comments that mention it', () => {
    expect(checkSource(root, 'electron/services/bad.ts', "import { app } from 'electron';", rule('electron/services'))).toHaveLength(1);
    expect(checkSource(root, 'electron/services/ok.ts', "// never import { app } from 'electron'\nexport const a = 1;", rule('electron/services'))).toEqual([]);
    // only repositories reach the project's SQLite connection
    expect(checkSource(root, 'electron/services/api-service.ts', "import { connectionOf } from './store/internal';", rule('electron'))).toHaveLength(1);
    expect(checkSource(root, 'electron/cli/commands/x.ts', "import Database from 'better-sqlite3';", rule('electron'))).toHaveLength(1);
    expect(checkSource(root, 'electron/services/store/checks.ts', "import { connectionOf } from './internal';", rule('electron'))).toEqual([]);
  });
});
