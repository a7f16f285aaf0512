// Key algorithms as the Keys page offers them. A Record over the generated KeyAlg, so a new algorithm in
// the core fails the build here until it is described.
import type { KeyAlg } from "../bindings/KeyAlg";

export const ALGORITHMS: Record<KeyAlg, string> = {
  ES384: "ECDSA P-384 (ES384)",
  ES256: "ECDSA P-256 (ES256)",
  RS384: "RSA, SHA-384 (RS384)",
  RS256: "RSA, SHA-256 (RS256)",
  RS512: "RSA, SHA-512 (RS512)",
  PS384: "RSA-PSS, SHA-384 (PS384)",
  PS256: "RSA-PSS, SHA-256 (PS256)",
  PS512: "RSA-PSS, SHA-512 (PS512)",
  EdDSA: "Ed25519 (EdDSA)",
};

export const RSA_BITS = [2048, 3072, 4096] as const;
export const DEFAULT_RSA_BITS = 3072;

export function isRsa(alg: KeyAlg): boolean {
  return alg.startsWith("RS") || alg.startsWith("PS");
}

/** "2026-11-20T10:00:00Z" as the reader's local date and time. */
export function createdText(rfc3339: string): string {
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : d.toLocaleString();
}
