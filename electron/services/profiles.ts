/**
 * Rule profiles on disk: data/profiles/*.json, each validated on load (a broken file is refused
 * with a message naming the file and the field). Node-only; no `electron` import.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserInputError } from '../../shared/model/errors';
import { validateProfile, type Profile } from '../../shared/rules/profile';
import { appRoot } from './app-root';

export function defaultProfilesDir(): string {
  return join(appRoot(), 'data', 'profiles');
}

/**
 * Profiles loaded per directory, with what their files looked like (name, size, mtime): every
 * check resolves its profile, and reading and validating every file per click was most of what a
 * check cost the thread serving requests. A changed, added or removed file is read again.
 */
const loaded = new Map<string, { signature: string; profiles: Profile[] }>();

/** Loads and validates every `*.json` profile in `dir` (the schema file is skipped), sorted by id. */
export function loadProfiles(dir: string = defaultProfilesDir()): Profile[] {
  let names: string[];
  let signature: string;
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.endsWith('.schema.json'));
    signature = names
      .sort()
      .map((name) => {
        const { size, mtimeMs } = statSync(join(dir, name));
        return `${name}\u0000${size}\u0000${mtimeMs}`;
      })
      .join('\n');
  } catch (error) {
    throw new UserInputError('profile.dir', `无法读取审查规则配置目录“${dir}”：${(error as Error).message}`, `Cannot read profile directory "${dir}": ${(error as Error).message}`);
  }
  const known = loaded.get(dir);
  if (known?.signature === signature) return [...known.profiles];
  const profiles = readProfiles(dir, names);
  loaded.set(dir, { signature, profiles });
  return [...profiles];
}

function readProfiles(dir: string, names: string[]): Profile[] {
  const files = names.sort().map((name) => ({ name, profile: loadProfileFile(join(dir, name), name) }));
  const seen = new Map<string, string>();
  for (const { name, profile } of files) {
    const other = seen.get(profile.id);
    if (other) {
      throw new UserInputError(
        'profile.duplicate',
        `审查规则配置“${profile.id}”重复：${other} 与 ${name} 使用了相同的 id。`,
        `Duplicate profile id "${profile.id}" in ${other} and ${name}.`,
      );
    }
    seen.set(profile.id, name);
  }
  const profiles = files.map((f) => f.profile);
  return profiles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function loadProfileFile(path: string, displayName: string = path): Profile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserInputError('profile.read', `无法读取审查规则配置文件“${displayName}”：${(error as Error).message}`, `Cannot read profile "${displayName}": ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UserInputError('profile.json', `审查规则配置文件“${displayName}”不是有效的 JSON：${(error as Error).message}`, `Profile "${displayName}" is not valid JSON: ${(error as Error).message}`);
  }
  return validateProfile(json, displayName);
}

export function getProfile(id: string, dir?: string): Profile {
  const profiles = loadProfiles(dir);
  const found = profiles.find((p) => p.id === id);
  if (!found) {
    const available = profiles.map((p) => `${p.id}（${p.name}）`).join('、');
    throw new UserInputError('profile.unknown', `未知的审查规则配置“${id}”，可用：${available}`, `Unknown profile "${id}". Available: ${profiles.map((p) => p.id).join(', ')}`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Project profiles: a user's copies and imports live in the project (landgate_profiles),
// so a project stays one portable file. Built-in ids cannot be taken by a project profile.

/** Minimal view of the store this module needs (keeps it testable without a GeoPackage). */
export interface ProfileStore {
  listProjectProfiles(): { id: string; json: string; updatedAt: string }[];
  saveProjectProfile(id: string, json: string, action?: 'profile-save' | 'profile-import'): void;
  deleteProjectProfile(id: string): boolean;
}

export interface ProfileEntry {
  profile: Profile;
  /** `builtin` (data/profiles, read-only) or `project` (stored in the project, editable). */
  source: 'builtin' | 'project';
}

/** Built-in profiles followed by the project's own, each validated. */
export function listAllProfiles(store?: ProfileStore | null, dir?: string): ProfileEntry[] {
  const builtin = loadProfiles(dir).map((profile) => ({ profile, source: 'builtin' as const }));
  const project = (store?.listProjectProfiles() ?? []).map((row) => ({ profile: parseStoredProfile(row.id, row.json), source: 'project' as const }));
  return [...builtin, ...project];
}

/** Every profile's display name by id (a project copy shadows nothing: ids are unique). */
export function profileNames(store?: ProfileStore | null, dir?: string): Record<string, string> {
  return Object.fromEntries(listAllProfiles(store, dir).map(({ profile }) => [profile.id, profile.name]));
}

/** Project profiles as last parsed, by their stored text (validated once per text, not per check). */
const parsedStored = new Map<string, Profile>();

function parseStoredProfile(id: string, json: string): Profile {
  const key = `${id}\u0000${json}`;
  const known = parsedStored.get(key);
  if (known) return known;
  const profile = parseStoredProfileText(id, json);
  if (parsedStored.size >= 64) parsedStored.clear();
  parsedStored.set(key, profile);
  return profile;
}

function parseStoredProfileText(id: string, json: string): Profile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new UserInputError('profile.json', `项目中保存的审查规则配置“${id}”不是有效的 JSON：${(error as Error).message}`, `Project profile "${id}" is not valid JSON.`);
  }
  return validateProfile(parsed, `项目配置 ${id}`);
}

/** A profile by id: built-in first, then the project's. */
export function resolveProfile(id: string, store?: ProfileStore | null, dir?: string): Profile {
  const all = listAllProfiles(store, dir);
  const found = all.find((e) => e.profile.id === id);
  if (!found) {
    const available = all.map((e) => `${e.profile.id}（${e.profile.name}）`).join('、');
    throw new UserInputError('profile.unknown', `未知的审查规则配置“${id}”，可用：${available}`, `Unknown profile "${id}". Available: ${all.map((e) => e.profile.id).join(', ')}`);
  }
  return found.profile;
}

/** Next version of a copied/edited profile: the trailing number incremented ("2026.1" → "2026.2"). */
export function nextVersion(version: string): string {
  const m = /^(.*?)(\d+)$/.exec(version);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${version}.1`;
}

/**
 * Validates and stores a project profile. `sourceName` names the input in messages (file name or
 * 编辑器). Refuses built-in ids. When a stored profile with the same id and version but different
 * content exists, the version is bumped so two check records never name the same version for
 * different rules.
 */
export function saveProfile(store: ProfileStore, json: unknown, sourceName: string, action: 'profile-save' | 'profile-import' = 'profile-save', dir?: string): Profile {
  let profile = validateProfile(json, sourceName);
  if (loadProfiles(dir).some((p) => p.id === profile.id)) {
    throw new UserInputError(
      'profile.builtin-id',
      `审查规则配置“${sourceName}”的 id “${profile.id}”与内置配置相同；内置配置不能修改，请先复制为新的 id（landgate profile copy ${profile.id} <新id>）。`,
      `Profile id "${profile.id}" is a built-in profile; copy it to a new id first.`,
    );
  }
  const existing = store.listProjectProfiles().find((row) => row.id === profile.id);
  if (existing) {
    const old = parseStoredProfile(existing.id, existing.json);
    if (old.version === profile.version && JSON.stringify(old) !== JSON.stringify(profile)) profile = { ...profile, version: nextVersion(profile.version) };
  }
  store.saveProjectProfile(profile.id, `${JSON.stringify(profile, null, 2)}\n`, action);
  return profile;
}

/** Copies any profile (built-in or project) to a new project profile with its own id and version. */
export function copyProfile(store: ProfileStore, fromId: string, newId: string, name?: string, dir?: string): Profile {
  const from = resolveProfile(fromId, store, dir);
  if (listAllProfiles(store, dir).some((e) => e.profile.id === newId)) {
    throw new UserInputError('profile.exists', `审查规则配置“${newId}”已存在，请换一个 id。`, `Profile "${newId}" already exists.`);
  }
  const copy: Profile = {
    ...from,
    id: newId,
    name: name ?? `${from.name}（副本）`,
    version: '1',
    basedOn: from.id,
    description: `复制自 ${from.id}（${from.name}，版本 ${from.version}）${from.description ? `：${from.description}` : ''}`,
  };
  return saveProfile(store, copy, `复制的配置 ${newId}`, 'profile-save', dir);
}

/** Reads, validates and stores a profile file in the project. */
export function importProfileFile(store: ProfileStore, path: string, dir?: string): Profile {
  const name = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserInputError('profile.read', `无法读取审查规则配置文件“${name}”：${(error as Error).message}`, `Cannot read profile "${name}".`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UserInputError('profile.json', `审查规则配置文件“${name}”不是有效的 JSON：${(error as Error).message}`, `Profile "${name}" is not valid JSON: ${(error as Error).message}`);
  }
  return saveProfile(store, json, name, 'profile-import', dir);
}
