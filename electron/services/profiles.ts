/**
 * Rule profiles on disk: data/profiles/*.json, each validated on load (a broken file is refused
 * with a message naming the file and the field). Node-only; no `electron` import.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '../../shared/model/errors';
import { validateProfile, type Profile } from '../../shared/rules/profile';
import { appRoot } from './app-root';

export function defaultProfilesDir(): string {
  return join(appRoot(), 'data', 'profiles');
}

/** Loads and validates every `*.json` profile in `dir` (the schema file is skipped), sorted by id. */
export function loadProfiles(dir: string = defaultProfilesDir()): Profile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.endsWith('.schema.json'));
  } catch (error) {
    throw new UserInputError('profile.dir', `无法读取审查规则配置目录“${dir}”：${(error as Error).message}`, `Cannot read profile directory "${dir}": ${(error as Error).message}`);
  }
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
