/**
 * Archives (.zip, .kmz, .xlsx) are inflated in memory, so what they may inflate to is checked
 * first: the sizes the central directory declares are summed against a budget before a byte is
 * inflated, and fflate inflates each entry into a buffer of exactly its declared size (it never
 * grows), so a lying header cannot overshoot either; an entry that inflates short of its
 * declared size is refused as corrupt.
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { UserInputError } from '../model/errors';

/** Most an archive may inflate to (the entries kept), in bytes. */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/**
 * Unzips the entries `keep` accepts within `budget` bytes. Throws a zh UserInputError naming
 * `archiveName` (the file the user gave) when the archive is damaged or too big.
 */
export function unzipWithinBudget(
  bytes: Uint8Array,
  archiveName: string,
  keep: (entry: UnzipFileInfo) => boolean = () => true,
  options: { budget?: number; corruptCode?: string } = {},
): Record<string, Uint8Array> {
  const budget = options.budget ?? MAX_INFLATED_BYTES;
  const corruptCode = options.corruptCode ?? 'import.bad-zip';
  let total = 0;
  const declared = new Map<string, number>();
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter(entry) {
        if (!keep(entry)) return false;
        total += entry.originalSize;
        if (total > budget) {
          throw new UserInputError(
            'import.archive-too-large',
            `压缩包“${archiveName}”解压后超过 ${mb(budget)}（已声明 ${mb(total)}），LandGate 不会解压这么大的压缩包（可能是“压缩炸弹”）。请解压后导入其中的文件，或改用 GeoPackage。`,
            `"${archiveName}" would inflate to more than ${budget} bytes (declared ${total} so far); refused.`,
          );
        }
        declared.set(entry.name, entry.originalSize);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof UserInputError) throw error;
    throw new UserInputError(corruptCode, `压缩包“${archiveName}”无法解压（${(error as Error).message}），文件可能不完整或已损坏。`, `Cannot unzip "${archiveName}": ${(error as Error).message}.`);
  }
  for (const [name, data] of Object.entries(entries)) {
    if (data.length !== declared.get(name)) {
      throw new UserInputError(corruptCode, `压缩包“${archiveName}”中的“${name}”解压后大小与声明不符，文件已损坏。`, `"${archiveName}": entry "${name}" inflates to ${data.length} bytes, declared ${declared.get(name)}.`);
    }
  }
  return entries;
}
