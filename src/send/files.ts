/** Why: uploads a file to Feishu (im/v1/files, multipart) and returns its file_key, which a `file` message then carries. */
import { readFileSync } from 'node:fs';
import type { LarkClient } from './client.ts';

export class FileUploadError extends Error {
  constructor(readonly fileName: string, readonly detail: string) {
    super(`Uploading ${fileName} to Feishu failed: ${detail}. Check the app has the im:resource permission and the file is under 30 MB and not empty.`);
    this.name = 'FileUploadError';
  }
}

/** One multipart upload; throws FileUploadError naming the file on any non-zero code or missing key. */
export async function uploadFile(lark: LarkClient, f: { name: string; path: string; fileType: 'stream' | 'xls' | 'pdf' | 'doc' }): Promise<string> {
  let res: unknown;
  try {
    res = await lark.im.v1.file.create({ data: { file_type: f.fileType, file_name: f.name, file: readFileSync(f.path) } });
  } catch (err) {
    const data = (err as { response?: { data?: { code?: number; msg?: string } } }).response?.data;
    throw new FileUploadError(f.name, data ? `code ${data.code}: ${data.msg}` : (err as Error).message);
  }
  // The SDK answers with the body's `data` ({ file_key }) on success; older versions return the whole body.
  const r = res as { file_key?: string; code?: number; msg?: string; data?: { file_key?: string } } | null;
  const key = r?.file_key ?? r?.data?.file_key;
  if (!key || (r?.code !== undefined && r.code !== 0)) throw new FileUploadError(f.name, r?.code ? `code ${r.code}: ${r.msg}` : 'no file_key in the answer');
  return key;
}
