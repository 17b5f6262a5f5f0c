/** Why: webhook deliveries are signed and encrypted exactly as Feishu does it, so the bot's checks are tested against the real scheme. */
// Signing: x-lark-signature = sha256_hex(timestamp + nonce + encryptKey + rawBody), sent only when an encrypt key is set.
// Encryption: AES-256-CBC, PKCS7, key = sha256(encryptKey), random 16-byte IV prepended, base64 → {"encrypt":"…"}.
// That is the inverse of Feishu's published decryption (vector: key "test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="
// → "hello world").
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function encryptPayload(encryptKey: string, plaintext: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function decryptPayload(encryptKey: string, encrypted: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const buf = Buffer.from(encrypted, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

export function signPayload(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + rawBody).digest('hex');
}
